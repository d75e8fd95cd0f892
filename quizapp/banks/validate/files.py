"""One file's shape: exactly one of framework, bank, test or crosswalk at the top level, and
the rules for that kind of file (:class:`FileChecker` has them all)."""

from __future__ import annotations

from quizapp.banks.validate.blueprints import TestRules
from quizapp.banks.validate.crosswalks import CrosswalkRules
from quizapp.banks.validate.fields import ANY_KEY, KIND_KEYS, KIND_RULE, suggest
from quizapp.banks.validate.frameworks import FrameworkRules
from quizapp.banks.validate.items import BankRules


class FileChecker(FrameworkRules, BankRules, TestRules, CrosswalkRules):
    """Checks one loaded file and records what it defines in the set state."""

    def check(self) -> None:
        """Rule: a file is exactly one of framework, bank, test or crosswalk."""
        root = self.result.value
        assert root is not None
        if "bank" in root and "test" in root:
            first, second = sorted(("bank", "test"), key=lambda k: root.key_mark(k))
            self.at_key(root, second, f"{KIND_RULE}: this one has both '{first}' "
                                      f"(line {root.key_mark(first)[0]}) and '{second}'")
        elif "bank" in root:
            self.bank(root)
        elif "test" in root:
            self.test(root)
        elif "crosswalk" in root:
            self.crosswalk(root)
        elif "framework" in root:
            self.framework(root)
        else:
            hints = [(key, suggest(key, KIND_KEYS)) for key in root if key not in ANY_KEY]
            hints = [(key, hint) for key, hint in hints if hint]
            if hints:
                key, hint = hints[0]
                self.at_key(root, key, f"{KIND_RULE}: this one has none "
                                       f"(did you mean '{hint}' for '{key}'?)")
            else:
                self.error(*root.mark, f"{KIND_RULE}: this one has none")
