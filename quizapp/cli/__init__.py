"""The command line (`quizapp ...`): commands.py registers every command on the app's CLI;
validate.py and reports.py run validate, lint and coverage over question_banks/, trainer.py
holds `stats` and `convert`.
"""

from quizapp.cli.commands import main, register_commands

__all__ = ["main", "register_commands"]
