"""The rules for a test blueprint file, one file at a time: its keys, time limit and pass mark,
each section (not twice) and its draw (exactly one kind), and the result bands. Whether the
draws can be met from the banks is checked across files, in draws.py."""

from __future__ import annotations

from quizapp.banks.model import DEFAULT_BANDS, DRAW_KINDS, SECTIONS, Band, Draw, Section, TestBlueprint
from quizapp.banks.validate.fields import (
    BAND_KEYS,
    DRAW_KEYS,
    ID_RE,
    MAX_TIME_LIMIT_MINUTES,
    SECTION_KEYS,
    TEST_KEYS,
    FieldReader,
    show,
)
from quizapp.banks.validate.records import SectionRec, TestRec
from quizapp.banks.yamlsafe import INVALID, LocatedDict, LocatedList


class TestRules(FieldReader):
    """Checks a test blueprint file and records the test in the set state."""

    def test(self, root: LocatedDict) -> None:
        self.keys(root, TEST_KEYS, "test")
        ref = self.identifier(root, "test", "test", what="test id")
        title = self.text(root, "title", "test")
        framework = self.identifier(root, "framework", "test", what="framework id")
        description = self.text(root, "description", "test", required=False)
        minutes = self.number(root, "time_limit_minutes", "test", 0, MAX_TIME_LIMIT_MINUTES,
                              low_open=True)
        pass_mark = self.number(root, "pass_mark_percent", "test", 0, 100)
        shuffle = self.boolean(root, "shuffle_options", True)
        bands = self.bands(root)
        values = self.sequence(root, "sections", "test", required=True, non_empty=True)
        fw_key = framework.value if framework else ""
        section_recs = []
        seen: dict[str, int] = {}
        for _, entry in self.mappings(values or LocatedList(), "sections", "section"):
            section_recs.append(self.section(entry, fw_key, seen))
        if ref is None:
            return
        test = TestBlueprint(
            key=ref.value, title=title or "", framework=fw_key,
            time_limit_minutes=minutes or 0.0, pass_mark_percent=pass_mark or 0.0,
            sections=[s.section for s in section_recs if s.section is not None],
            shuffle_options=True if shuffle is None else shuffle, bands=bands,
            description=description or "", file=self.file, line=ref.line,
        )
        self.state.tests.append(TestRec(ref, framework, test, section_recs))

    def section(self, entry: LocatedDict, test_framework: str, seen: dict[str, int]) -> SectionRec:
        before = len(self.problems)
        self.keys(entry, SECTION_KEYS, "section")
        name = self.choice(entry, "section", "section", SECTIONS)
        if name is not None:
            if name in seen:
                self.at_value(entry, "section", f"section '{name}' appears twice in this test "
                                                f"(first at line {seen[name]})")
            else:
                seen[name] = entry.value_mark("section")[0]
        title = self.text(entry, "title", "section", required=False)
        framework = self.identifier(entry, "framework", "section", what="framework id",
                                    required=False)
        record = SectionRec(None, name, framework, None, None, 0, [])
        self.draw(entry, record)
        if len(self.problems) == before and record.draw_kind is not None and name is not None:
            draw = Draw(kind=record.draw_kind,  # type: ignore[arg-type]
                        count=record.draw_number,
                        items=tuple(ref.value for ref in record.draw_items))
            record.section = Section(section=name, draw=draw,
                                     framework=framework.value if framework else test_framework,
                                     title=title or "")
        return record

    def draw(self, entry: LocatedDict, record: SectionRec) -> None:
        """Rule: ``draw`` is a mapping with exactly one of count, per_statement, scenarios
        (whole numbers >= 1) or items (a non-empty list of item ids, none twice)."""
        if "draw" not in entry:
            self.missing(entry, "draw", "section")
            return
        draw = entry["draw"]
        if draw is INVALID:
            return
        if not isinstance(draw, LocatedDict):
            self.at_value(entry, "draw", f"'draw' must be a mapping with one of: "
                                         f"{', '.join(DRAW_KINDS)}; not {show(draw, entry.source_text('draw'))}")
            return
        self.keys(draw, DRAW_KEYS, "draw")
        kinds = [key for key in draw if key in DRAW_KEYS]
        if not kinds:
            if not draw:  # unknown keys were reported, with a suggestion, just above
                self.at_key(entry, "draw", f"'draw' needs one of: {', '.join(DRAW_KINDS)}")
            return
        if len(kinds) > 1:
            self.at_key(draw, kinds[1], f"'draw' must have exactly one of {', '.join(DRAW_KINDS)}; "
                                        f"found '{kinds[0]}' and '{kinds[1]}'")
            return
        kind = kinds[0]
        if kind == "items":
            values = self.sequence(draw, "items", "draw", required=True, non_empty=True)
            if values is None:
                return
            refs = self.texts(values, "items", ID_RE, "item id")
            if len(refs) != len(values):
                return
            record.draw_items = self.no_duplicates(
                refs, "item '{value}' is listed twice in this draw (first at line {line})")
        else:
            number = self.integer(draw, kind, "draw", 1, None)
            if number is None:
                return
            record.draw_number = number
            record.draw_count = self.ref(draw, kind, str(number))
        record.draw_kind = kind

    def bands(self, root: LocatedDict) -> tuple[Band, ...]:
        """Rule: bands have min_percent 0..100, strictly decreasing, the last 0, labels unique."""
        default = tuple(Band(m, label) for m, label in DEFAULT_BANDS)
        values = self.sequence(root, "bands", "test", required=False, non_empty=True)
        if values is None:
            return default
        bands = []
        previous: tuple[float, int] | None = None
        labels: dict[str, int] = {}
        minimum: float | None = None
        for _, entry in self.mappings(values, "bands", "band"):
            self.keys(entry, BAND_KEYS, "band")
            minimum = self.number(entry, "min_percent", "band", 0, 100)
            label = self.text(entry, "label", "band")
            if minimum is not None:
                if previous is not None and minimum >= previous[0]:
                    self.at_value(entry, "min_percent",
                                  f"bands must go from the highest min_percent down: {minimum:g} is "
                                  f"not below {previous[0]:g} (line {previous[1]})")
                previous = (minimum, entry.value_mark("min_percent")[0])
            if label is not None:
                if label in labels:
                    self.at_value(entry, "label", f"duplicate band label {show(label)} "
                                                  f"(first at line {labels[label]})")
                else:
                    labels[label] = entry.value_mark("label")[0]
            if minimum is not None and label is not None:
                bands.append(Band(minimum, label))
        last = values[-1]
        if isinstance(last, LocatedDict) and minimum is not None and minimum != 0:
            self.at_value(last, "min_percent", f"the last band must have min_percent 0, not {minimum:g}")
        return tuple(bands)

