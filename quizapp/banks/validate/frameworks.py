"""The rules for a framework file: its keys and values as bank_format.py declares them
(FRAMEWORK, STATEMENT, RESOURCE), each statement's code unique in the file, and the codes
recorded for the checks across files."""

from __future__ import annotations

from quizapp.banks.bank_format import CODE_RE, FRAMEWORK, RESOURCE, STATEMENT
from quizapp.banks.model import Framework, Resource, Statement
from quizapp.banks.validate.fields import FieldReader
from quizapp.banks.validate.records import FrameworkRec
from quizapp.banks.yamlsafe import LocatedDict


class FrameworkRules(FieldReader):
    """Checks a framework file and records the framework in the set state."""

    def framework(self, root: LocatedDict) -> None:
        values = self.read_shape(root, FRAMEWORK)
        ref = values["framework"]
        statements: list[Statement] = []
        codes: list[str] = []
        seen: dict[str, int] = {}
        for _, entry in self.entries(values["statements"], FRAMEWORK["statements"]):
            before = len(self.problems)
            statement = self.statement(entry, seen)
            if statement is not None and len(self.problems) == before:
                statements.append(statement)
            code = entry.get("code")
            code_text = self.scalar_text(entry, "code", code) if "code" in entry else None
            if code_text is not None and CODE_RE.fullmatch(code_text) and code_text not in codes:
                codes.append(code_text)
        if ref is None:
            return
        framework = Framework(key=ref.value, title=values["title"] or "", level=values["level"] or "",
                              statements=statements, description=values["description"] or "",
                              file=self.file, line=ref.line)
        self.state.frameworks.append(FrameworkRec(ref, framework, codes))

    def statement(self, entry: LocatedDict, seen: dict[str, int]) -> Statement | None:
        """Rule: a statement's code is not used twice in the framework."""
        values = self.read_shape(entry, STATEMENT)
        code, title, summary = values["code"], values["title"], values["summary"]
        if code is not None:
            if code.value in seen:
                self.at_value(entry, "code", f"duplicate statement code '{code.value}' "
                                             f"(first at line {seen[code.value]})")
            else:
                seen[code.value] = code.line
        resources = []
        for _, resource in self.entries(values["resources"], STATEMENT["resources"]):
            fields = self.read_shape(resource, RESOURCE)
            if fields["title"] is not None and fields["url"] is not None:
                resources.append(Resource(fields["title"], fields["url"]))
        if code is None or title is None or summary is None:
            return None
        return Statement(code.value, title, summary, tuple(resources))
