"""Load and validate a set of bank files: the package's public names (being split up)."""

from quizapp.banks.validate.fields import BANK_SUFFIXES, ID_RE, find_bank_files, load_bank_set

__all__ = ["BANK_SUFFIXES", "ID_RE", "find_bank_files", "load_bank_set"]
