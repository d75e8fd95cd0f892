"""The rules for a framework file: its keys, its level (a slug), and each statement with its
code (unique in the file) and its further-reading resources (http or https addresses)."""

from __future__ import annotations

from urllib.parse import urlsplit

from quizapp.banks.model import Framework, Resource, Statement
from quizapp.banks.validate.fields import (
    CODE_RE,
    FRAMEWORK_KEYS,
    RESOURCE_KEYS,
    SLUG_RE,
    STATEMENT_KEYS,
    FieldReader,
    show,
)
from quizapp.banks.validate.records import FrameworkRec
from quizapp.banks.yamlsafe import LocatedDict, LocatedList


class FrameworkRules(FieldReader):
    """Checks a framework file and records the framework in the set state."""

    def framework(self, root: LocatedDict) -> None:
        self.keys(root, FRAMEWORK_KEYS, "framework")
        ref = self.identifier(root, "framework", "framework", what="framework id")
        title = self.text(root, "title", "framework")
        level = self.level(root)
        description = self.text(root, "description", "framework", required=False)
        statements: list[Statement] = []
        codes: list[str] = []
        values = self.sequence(root, "statements", "framework", required=True, non_empty=True)
        seen: dict[str, int] = {}
        for _, entry in self.mappings(values or LocatedList(), "statements", "statement"):
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
        framework = Framework(key=ref.value, title=title or "", level=level or "",
                              statements=statements, description=description or "",
                              file=self.file, line=ref.line)
        self.state.frameworks.append(FrameworkRec(ref, framework, codes))

    def level(self, root: LocatedDict) -> str | None:
        """Rule: ``level`` is a slug: lower-case letters and digits, words joined by '-'."""
        level = self.text(root, "level", "framework", markdown=False)
        if level is not None and SLUG_RE.fullmatch(level) is None:
            self.at_value(root, "level", f"'level' must be a slug (lower-case words joined by "
                                         f"'-', e.g. practice-supervisor), not {show(level)}")
            return None
        return level

    def statement(self, entry: LocatedDict, seen: dict[str, int]) -> Statement | None:
        self.keys(entry, STATEMENT_KEYS, "statement")
        code = self.identifier(entry, "code", "statement", pattern=CODE_RE, max_length=20,
                               what="statement code")
        if code is not None:
            if code.value in seen:
                self.at_value(entry, "code", f"duplicate statement code '{code.value}' "
                                             f"(first at line {seen[code.value]})")
            else:
                seen[code.value] = code.line
        title = self.text(entry, "title", "statement")
        summary = self.text(entry, "summary", "statement")
        resources = []
        values = self.sequence(entry, "resources", "statement", required=False, non_empty=False)
        for _, resource in self.mappings(values or LocatedList(), "resources", "resource"):
            self.keys(resource, RESOURCE_KEYS, "resource")
            r_title = self.text(resource, "title", "resource")
            url = self.url(resource)
            if r_title is not None and url is not None:
                resources.append(Resource(r_title, url))
        if code is None or title is None or summary is None:
            return None
        return Statement(code.value, title, summary, tuple(resources))

    def url(self, resource: LocatedDict) -> str | None:
        """Rule: a resource's url is an http(s) address."""
        url = self.text(resource, "url", "resource", markdown=False)
        if url is None:
            return None
        try:
            parts = urlsplit(url)
            good = parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url
        except ValueError:
            good = False
        if not good:
            self.at_value(resource, "url", f"'url' must be an http:// or https:// address, not {show(url)}")
            return None
        return url
