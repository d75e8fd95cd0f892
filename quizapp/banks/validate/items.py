"""The rules for a bank file: its keys, at least one item, each scenario, and each item with
its options (texts unique in the item) and statement codes (none twice); then the item's
question type checks its options (see quizapp/question_types.py)."""

from __future__ import annotations

from typing import Any

from quizapp import question_types
from quizapp.banks.model import SCORING_RULES, SECTIONS, Bank, Item, Option, Scenario
from quizapp.banks.validate.fields import (
    BANK_KEYS,
    CODE_RE,
    ITEM_KEYS,
    OPTION_KEYS,
    SCENARIO_KEYS,
    FieldReader,
    show,
)
from quizapp.banks.validate.records import BankRec, ItemRec, Ref, ScenarioRec
from quizapp.banks.yamlsafe import LocatedDict, LocatedList


class BankRules(FieldReader):
    """Checks a bank file and records the bank, its scenarios and items in the set state."""

    def bank(self, root: LocatedDict) -> None:
        self.keys(root, BANK_KEYS, "bank")
        ref = self.identifier(root, "bank", "bank", what="bank id")
        framework = self.identifier(root, "framework", "bank", what="framework id")
        title = self.text(root, "title", "bank")
        description = self.text(root, "description", "bank", required=False)
        key = ref.value if ref else ""
        fw_key = framework.value if framework else ""
        entries = 0
        item_recs: list[ItemRec] = []
        items = self.sequence(root, "items", "bank", required=False, non_empty=False)
        if items is not None:
            entries += len(items)
            item_recs = self.items(items, key, fw_key, None)
        scenario_recs: list[ScenarioRec] = []
        scenarios = self.sequence(root, "scenarios", "bank", required=False, non_empty=False)
        for index, entry in self.mappings(scenarios or LocatedList(), "scenarios", "scenario"):
            scenario = self.scenario(entry, index, key, fw_key)
            entries += max(1, len(scenario.items))  # an empty scenario is reported by itself
            scenario_recs.append(scenario)
        if entries == 0 and (scenarios is None or not scenarios):
            self.at_key(root, "bank", "a bank needs at least one item: add 'items', or "
                                      "'scenarios' with items")
        if ref is None:
            return
        bank = Bank(key=key, framework=fw_key, title=title or "", items=[], scenarios=[],
                    description=description or "", file=self.file, line=ref.line)
        self.state.banks.append(BankRec(ref, framework, bank, item_recs, scenario_recs))

    def scenario(self, entry: LocatedDict, index: int, bank: str, framework: str) -> ScenarioRec:
        before = len(self.problems)
        self.keys(entry, SCENARIO_KEYS, "scenario")
        ref = self.identifier(entry, "id", "scenario", what="scenario id")
        title = self.text(entry, "title", "scenario")
        text = self.text(entry, "text", "scenario")
        values = self.sequence(entry, "items", "scenario", required=True, non_empty=True)
        own_problems = len(self.problems) > before
        key = ref.value if ref else ""
        record = ScenarioRec(ref, None)
        record.items = self.items(values or LocatedList(), bank, framework, record)
        record.ok = not own_problems and ref is not None
        if record.ok:
            record.scenario = Scenario(key=key, title=title or "", text=text or "", items=[],
                                       bank=bank, file=self.file, line=entry.mark[0])
        return record

    def items(self, values: LocatedList, bank: str, framework: str,
              scenario: ScenarioRec | None) -> list[ItemRec]:
        return [self.item(entry, index, bank, framework, scenario)
                for index, entry in self.mappings(values, "items", "item")]

    def item(self, entry: LocatedDict, position: int, bank: str, framework: str,
             scenario: ScenarioRec | None) -> ItemRec:
        """Check one item: its keys and fields, then its question type's rules."""
        before = len(self.problems)
        self.keys(entry, ITEM_KEYS, "item")
        ref = self.identifier(entry, "id", "item", what="item id")
        type_name = self.choice(entry, "type", "item", question_types.names())
        section = self.choice(entry, "section", "item", SECTIONS)
        codes = self.codes(entry)
        difficulty = self.integer(entry, "difficulty", "item", 1, 3, required=False)
        stem = self.text(entry, "stem", "item")
        options = self.options(entry)
        scoring = self.choice(entry, "scoring", "item", SCORING_RULES, required=False)
        rationale = self.text(entry, "rationale", "item")
        references = self.sequence(entry, "references", "item", required=False, non_empty=False)
        reference_refs = self.texts(references, "references") if references is not None else []
        if type_name is not None and isinstance(entry.get("options"), LocatedList):
            question_type = question_types.get(type_name)
            assert question_type is not None
            for message, where in question_type.validate(entry):
                self.error(*locate(entry, where), message)
        record = ItemRec(ref, section, codes, None)
        if len(self.problems) == before:
            record.item = Item(
                key=ref.value, type=type_name, section=section,  # type: ignore[union-attr,arg-type]
                statements=tuple(code.value for code in codes), stem=stem or "",
                options=tuple(options), rationale=rationale or "",
                scoring=scoring or "all-or-nothing", difficulty=difficulty,
                references=tuple(r.value for r in reference_refs), bank=bank,
                framework=framework, scenario=scenario.ref.value if scenario and scenario.ref else None,
                position=position, file=self.file, line=entry.mark[0],
            )
        else:
            record.ok = False
        record.scenario = scenario
        return record

    def codes(self, entry: LocatedDict) -> list[Ref]:
        """Rule: ``statements`` is a non-empty list of statement codes, none twice."""
        values = self.sequence(entry, "statements", "item", required=True, non_empty=True)
        if values is None:
            return []
        refs = self.texts(values, "statements", CODE_RE, "statement code")
        return self.no_duplicates(refs, "statement '{value}' is listed twice (first at line {line})")

    def options(self, entry: LocatedDict) -> list[Option]:
        """Rule: ``options`` is a list of {text, correct, feedback}; texts unique."""
        values = self.sequence(entry, "options", "item", required=True, non_empty=True)
        options = []
        seen: dict[str, int] = {}
        for _, option in self.mappings(values or LocatedList(), "options", "option"):
            self.keys(option, OPTION_KEYS, "option")
            text = self.text(option, "text", "option")
            correct = self.boolean(option, "correct", False)
            feedback = self.text(option, "feedback", "option", required=False)
            if text is not None:
                if text in seen:
                    self.at_value(option, "text", f"duplicate option text {show(text)} "
                                                  f"(first at line {seen[text]})")
                else:
                    seen[text] = option.value_mark("text")[0]
            options.append(Option(text or "", bool(correct), feedback or ""))
        return options


def locate(mapping: LocatedDict, where: tuple[str | int, ...]) -> tuple[int, int]:
    """The (line, column) of a path such as ("options", 2, "correct") inside ``mapping``."""
    mark = mapping.mark
    node: Any = mapping
    for step in where:
        if isinstance(node, LocatedDict) and isinstance(step, str) and step in node.marks:
            mark = node.key_mark(step)
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
            mark = node.element_mark(step)
            node = node[step]
        else:
            break
    return mark

