"""The rules for a framework file: its keys and values as bank_format.py declares them
(FRAMEWORK, STANDARD, STATEMENT, RESOURCE); exactly one of a flat list of statements or
statements grouped under standards; standard codes unique, statement codes unique across the
whole file and never the same as a standard's code; `superseded_on` after `effective_from`;
and the codes recorded for the checks across files (which also check `replaces`)."""

from __future__ import annotations

from typing import Any

from quizapp.banks.bank_format import CODE_RE, FRAMEWORK, RESOURCE, STANDARD, STATEMENT
from quizapp.banks.model import Framework, Resource, Standard, Statement
from quizapp.banks.validate.fields import FieldReader
from quizapp.banks.validate.records import FrameworkRec, Ref
from quizapp.banks.yamlsafe import LocatedDict


class FrameworkRules(FieldReader):
    """Checks a framework file and records the framework in the set state."""

    def framework(self, root: LocatedDict) -> None:
        values = self.read_shape(root, FRAMEWORK)
        ref = values["framework"]
        statements: list[Statement] = []
        standards: list[Standard] = []
        codes: list[str] = []
        seen: dict[str, tuple[int, str]] = {}  # statement code: (line, its standard's code)
        standard_lines: dict[str, int] = {}
        self.one_way_of_listing(root)
        for _, entry in self.entries(values["statements"], FRAMEWORK["statements"]):
            self.collect(entry, "", seen, standard_lines, statements, codes)
        for _, group in self.entries(values["standards"], FRAMEWORK["standards"]):
            standard = self.standard(group, seen, standard_lines, statements, codes)
            if standard is not None:
                standards.append(standard)
        self.dates_in_order(root, values)
        if ref is None:
            return
        framework = Framework(key=ref.value, title=values["title"] or "", level=values["level"] or "",
                              statements=statements, description=values["description"] or "",
                              file=self.file, line=ref.line, standards=standards,
                              effective_from=values["effective_from"],
                              superseded_on=values["superseded_on"],
                              replaces=values["replaces"].value if values["replaces"] else "",
                              source_note=values["source_note"] or "")
        self.state.frameworks.append(FrameworkRec(ref, framework, codes, values["replaces"]))

    def one_way_of_listing(self, root: LocatedDict) -> None:
        """Rule: a framework lists its statements either flat or under standards: one, not both."""
        if "statements" in root and "standards" in root:
            first, second = sorted(("statements", "standards"), key=root.key_mark)
            self.at_key(root, second, f"a framework has either 'statements' or 'standards' "
                                      f"(line {root.key_mark(first)[0]}), not both")
        elif "statements" not in root and "standards" not in root:
            self.error(*root.mark, "missing required key 'statements' in framework (or "
                                   "'standards', to group its statements under standards)")

    def dates_in_order(self, root: LocatedDict, values: dict[str, Any]) -> None:
        """Rule: a framework is superseded after it takes effect."""
        start, end = values["effective_from"], values["superseded_on"]
        if start is not None and end is not None and end <= start:
            self.at_value(root, "superseded_on", f"'superseded_on' ({end.isoformat()}) must be after "
                                                 f"'effective_from' ({start.isoformat()})")

    def standard(self, entry: LocatedDict, seen: dict[str, tuple[int, str]],
                 standard_lines: dict[str, int], statements: list[Statement],
                 codes: list[str]) -> Standard | None:
        """Rule: a standard's code is not used twice, nor by any statement."""
        values = self.read_shape(entry, STANDARD)
        code, title = values["code"], values["title"]
        group = code.value if code is not None else ""
        if code is not None:
            if code.value in standard_lines:
                self.at_value(entry, "code", f"duplicate standard code '{code.value}' "
                                             f"(first at line {standard_lines[code.value]})")
                group = ""
            elif code.value in seen:
                line, _ = seen[code.value]
                self.at_value(entry, "code", f"standard code '{code.value}' is also the code of a "
                                             f"statement (line {line})")
                group = ""
            else:
                standard_lines[code.value] = code.line
        before = len(statements)
        for _, statement in self.entries(values["statements"], STANDARD["statements"]):
            self.collect(statement, group, seen, standard_lines, statements, codes)
        if not group or title is None or values["statements"] is None:
            return None
        return Standard(group, title, tuple(s.code for s in statements[before:]),
                        summary=values["summary"] or "", unconfirmed=values["unconfirmed"] or "")

    def collect(self, entry: LocatedDict, group: str, seen: dict[str, tuple[int, str]],
                standard_lines: dict[str, int], statements: list[Statement], codes: list[str]) -> None:
        """Check one statement and keep it (and its code) when it is sound."""
        before = len(self.problems)
        statement = self.statement(entry, group, seen, standard_lines)
        if statement is not None and len(self.problems) == before:
            statements.append(statement)
        code = entry.get("code")
        code_text = self.scalar_text(entry, "code", code) if "code" in entry else None
        if code_text is not None and CODE_RE.fullmatch(code_text) and code_text not in codes \
                and code_text not in standard_lines:
            codes.append(code_text)

    def statement(self, entry: LocatedDict, group: str, seen: dict[str, tuple[int, str]],
                  standard_lines: dict[str, int]) -> Statement | None:
        """Rule: a statement's code is not used twice in the framework, nor by a standard."""
        values = self.read_shape(entry, STATEMENT)
        code, title, summary = values["code"], values["title"], values["summary"]
        if code is not None:
            if code.value in seen:
                line, under = seen[code.value]
                where = f", under standard '{under}'" if under else ""
                self.at_value(entry, "code", f"duplicate statement code '{code.value}' "
                                             f"(first at line {line}{where})")
            elif code.value in standard_lines:
                self.at_value(entry, "code", f"statement code '{code.value}' is also the code of "
                                             f"standard '{code.value}' (line {standard_lines[code.value]})")
            else:
                seen[code.value] = (code.line, group)
        resources = []
        for _, resource in self.entries(values["resources"], STATEMENT["resources"]):
            fields = self.read_shape(resource, RESOURCE)
            if fields["title"] is not None and fields["url"] is not None:
                resources.append(Resource(fields["title"], fields["url"]))
        if code is None or title is None or summary is None:
            return None
        return Statement(code.value, title, summary, tuple(resources), standard=group,
                         unconfirmed=values["unconfirmed"] or "")

