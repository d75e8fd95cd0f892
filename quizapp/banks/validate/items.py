"""The rules for a bank file: its keys and values as bank_format.py declares them (BANK,
SCENARIO, ITEM, OPTION), at least one item, option texts unique in an item, statement codes
not twice in an item, `also_keyed` a mapping of framework ids to lists of codes (whether those
frameworks and codes exist is checked across files, in references.py); then each item's
question type checks its options (see quizapp/domain/question_types.py)."""

from __future__ import annotations

from typing import Any

from quizapp.banks.bank_format import BANK, CODE_RE, ID_RE, ITEM, OPTION, SCENARIO
from quizapp.banks.model import Bank, Item, Option, Scenario
from quizapp.banks.validate.fields import ID_RULE, FieldReader, show
from quizapp.banks.validate.records import BankRec, ItemRec, Ref, ScenarioRec
from quizapp.banks.yamlsafe import INVALID, LocatedDict, LocatedList
from quizapp.domain import question_types


class BankRules(FieldReader):
    """Checks a bank file and records the bank, its scenarios and items in the set state."""

    def bank(self, root: LocatedDict) -> None:
        """Rule: a bank holds at least one item, standalone or in a scenario."""
        values = self.read_shape(root, BANK)
        ref, framework = values["bank"], values["framework"]
        key = ref.value if ref else ""
        fw_key = framework.value if framework else ""
        entries = 0
        item_recs: list[ItemRec] = []
        items = values["items"]
        if items is not None:
            entries += len(items)
            item_recs = self.items(items, key, fw_key, None)
        scenario_recs: list[ScenarioRec] = []
        scenarios = values["scenarios"]
        for index, entry in self.entries(scenarios, BANK["scenarios"]):
            scenario = self.scenario(entry, index, key, fw_key)
            entries += max(1, len(scenario.items))  # an empty scenario is reported by itself
            scenario_recs.append(scenario)
        if entries == 0 and (scenarios is None or not scenarios):
            self.at_key(root, "bank", "a bank needs at least one item: add 'items', or "
                                      "'scenarios' with items")
        if ref is None:
            return
        bank = Bank(key=key, framework=fw_key, title=values["title"] or "", items=[], scenarios=[],
                    description=values["description"] or "", file=self.file, line=ref.line)
        self.state.banks.append(BankRec(ref, framework, bank, item_recs, scenario_recs))

    def scenario(self, entry: LocatedDict, index: int, bank: str, framework: str) -> ScenarioRec:
        before = len(self.problems)
        values = self.read_shape(entry, SCENARIO)
        own_problems = len(self.problems) > before
        ref = values["id"]
        key = ref.value if ref else ""
        record = ScenarioRec(ref, None)
        record.items = self.items(values["items"] or LocatedList(), bank, framework, record)
        record.ok = not own_problems and ref is not None
        if record.ok:
            record.scenario = Scenario(key=key, title=values["title"] or "", text=values["text"] or "",
                                       items=[], bank=bank, file=self.file, line=entry.mark[0])
        return record

    def items(self, values: LocatedList, bank: str, framework: str,
              scenario: ScenarioRec | None) -> list[ItemRec]:
        return [self.item(entry, index, bank, framework, scenario)
                for index, entry in self.mappings(values, "items", ITEM.name)]

    def item(self, entry: LocatedDict, position: int, bank: str, framework: str,
             scenario: ScenarioRec | None) -> ItemRec:
        """Check one item: its keys and fields, then its question type's rules."""
        before = len(self.problems)
        values = self.read_shape(entry, ITEM)
        ref, type_name, section = values["id"], values["type"], values["section"]
        codes = self.codes(values["statements"])
        options = self.options(values["options"])
        references = values["references"]
        reference_refs = self.texts(references, "references") if references is not None else []
        if type_name is not None and isinstance(entry.get("options"), LocatedList):
            question_type = question_types.get(type_name)
            assert question_type is not None
            for message, where in question_type.validate(entry):
                self.error(*locate(entry, where), message)
        also = self.keying(entry, "also_keyed") or []
        record = ItemRec(ref, section, codes, None, also=also)
        if len(self.problems) == before:
            record.item = Item(
                key=ref.value, type=type_name, section=section,  # type: ignore[union-attr,arg-type]
                statements=tuple(code.value for code in codes), stem=values["stem"] or "",
                also_keyed={fw.value: tuple(code.value for code in refs) for fw, refs in also},
                options=tuple(options), rationale=values["rationale"] or "",
                scoring=values["scoring"] or "all-or-nothing", difficulty=values["difficulty"],
                references=tuple(r.value for r in reference_refs), bank=bank,
                framework=framework, scenario=scenario.ref.value if scenario and scenario.ref else None,
                position=position, file=self.file, line=entry.mark[0],
            )
        else:
            record.ok = False
        record.scenario = scenario
        return record

    def codes(self, values: LocatedList | None) -> list[Ref]:
        """Rule: an item's ``statements`` are statement codes, none twice."""
        if values is None:
            return []
        refs = self.texts(values, "statements", CODE_RE, "statement code")
        return self.no_duplicates(refs, "statement '{value}' is listed twice (first at line {line})")

    def keying(self, mapping: LocatedDict, key: str) -> list[tuple[Ref, list[Ref]]] | None:
        """Rule: a mapping from framework ids to non-empty lists of statement codes, none twice
        in a list. Returns (framework, codes) pairs as refs; None when absent or wrong."""
        if key not in mapping or mapping[key] is INVALID:
            return None
        value = mapping[key]
        if value is None or (isinstance(value, LocatedDict) and not value):
            where = self.at_key if value is None else self.at_value
            where(mapping, key, f"'{key}' must not be empty: name another framework and its "
                                "statement codes, or leave the key out")
            return None
        if not isinstance(value, LocatedDict):
            self.at_value(mapping, key, f"'{key}' must be a mapping from framework ids to lists of "
                                        f"their statement codes (e.g. early-career-standards: "
                                        f"[ECS3.1]), not {show(value, mapping.source_text(key))}")
            return None
        pairs = []
        for framework, codes in value.items():
            if ID_RE.fullmatch(framework) is None:
                self.at_key(value, framework, f"{show(framework)} is not a valid framework id: use "
                                              f"{ID_RULE}, at most 80 characters")
                continue
            if codes is None or (isinstance(codes, LocatedList) and not codes):
                (self.at_key if codes is None else self.at_value)(
                    value, framework, f"the list for framework '{framework}' in '{key}' must not be empty")
                continue
            if not isinstance(codes, LocatedList):
                if codes is not INVALID:
                    example = codes if isinstance(codes, str) and CODE_RE.fullmatch(codes) else "ECS3.1"
                    self.at_value(value, framework, f"'{framework}' in '{key}' must be a list of statement "
                                                    f"codes, e.g. [{example}], not {show(codes, value.source_text(framework))}")
                continue
            before = len(self.problems)
            refs = self.no_duplicates(self.texts(codes, key, CODE_RE, "statement code"),
                                      f"statement '{{value}}' is listed twice for framework "
                                      f"'{framework}' (first at line {{line}})")
            if len(self.problems) == before:
                pairs.append((Ref(framework, self.file, *value.key_mark(framework)), refs))
        return pairs

    def options(self, values: LocatedList | None) -> list[Option]:
        """Rule: an item's option texts are unique."""
        options = []
        seen: dict[str, int] = {}
        for _, option in self.entries(values, ITEM["options"]):
            fields = self.read_shape(option, OPTION)
            text, correct, feedback = fields["text"], fields["correct"], fields["feedback"]
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

