"""The rules for a test blueprint file, one file at a time: its keys and values as
bank_format.py declares them (TEST, SECTION, DRAW, BAND), each section not twice, each draw
of exactly one kind with item ids not twice, and the result bands in order with unique
labels. Whether the draws can be met from the banks is checked across files, in draws.py."""

from __future__ import annotations

from quizapp.banks.bank_format import BAND, DRAW, ID_RE, SECTION, TEST
from quizapp.banks.model import DEFAULT_BANDS, DRAW_KINDS, Band, Draw, Section, TestBlueprint
from quizapp.banks.validate.fields import FieldReader, show
from quizapp.banks.validate.records import SectionRec, TestRec
from quizapp.banks.yamlsafe import INVALID, LocatedDict, LocatedList


class TestRules(FieldReader):
    """Checks a test blueprint file and records the test in the set state."""

    def test(self, root: LocatedDict) -> None:
        values = self.read_shape(root, TEST)
        ref, framework, shuffle = values["test"], values["framework"], values["shuffle_options"]
        bands = self.bands(values["bands"])
        fw_key = framework.value if framework else ""
        section_recs = []
        seen: dict[str, int] = {}
        for _, entry in self.entries(values["sections"], TEST["sections"]):
            section_recs.append(self.section(entry, fw_key, seen))
        if ref is None:
            return
        test = TestBlueprint(
            key=ref.value, title=values["title"] or "", framework=fw_key,
            time_limit_minutes=values["time_limit_minutes"] or 0.0,
            pass_mark_percent=values["pass_mark_percent"] or 0.0,
            sections=[s.section for s in section_recs if s.section is not None],
            shuffle_options=True if shuffle is None else shuffle, bands=bands,
            description=values["description"] or "", file=self.file, line=ref.line,
        )
        self.state.tests.append(TestRec(ref, framework, test, section_recs))

    def section(self, entry: LocatedDict, test_framework: str, seen: dict[str, int]) -> SectionRec:
        """Rule: a section appears once in a test."""
        before = len(self.problems)
        values = self.read_shape(entry, SECTION)
        name, framework = values["section"], values["framework"]
        if name is not None:
            if name in seen:
                self.at_value(entry, "section", f"section '{name}' appears twice in this test "
                                                f"(first at line {seen[name]})")
            else:
                seen[name] = entry.value_mark("section")[0]
        record = SectionRec(None, name, framework, None, None, 0, [])
        self.draw(entry, record)
        if len(self.problems) == before and record.draw_kind is not None and name is not None:
            draw = Draw(kind=record.draw_kind,  # type: ignore[arg-type]
                        count=record.draw_number,
                        items=tuple(ref.value for ref in record.draw_items))
            record.section = Section(section=name, draw=draw,
                                     framework=framework.value if framework else test_framework,
                                     title=values["title"] or "")
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
        self.keys(draw, DRAW.names, DRAW.name)
        kinds = [key for key in draw if key in DRAW.names]
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
            values = self.read(draw, DRAW["items"], DRAW.name)
            if values is None:
                return
            refs = self.texts(values, "items", ID_RE, "item id")
            if len(refs) != len(values):
                return
            record.draw_items = self.no_duplicates(
                refs, "item '{value}' is listed twice in this draw (first at line {line})")
        else:
            number = self.read(draw, DRAW[kind], DRAW.name)
            if number is None:
                return
            record.draw_number = number
            record.draw_count = self.ref(draw, kind, str(number))
        record.draw_kind = kind

    def bands(self, values: LocatedList | None) -> tuple[Band, ...]:
        """Rule: bands' min_percent strictly decreasing, the last 0, labels unique."""
        default = tuple(Band(m, label) for m, label in DEFAULT_BANDS)
        if values is None:
            return default
        bands = []
        previous: tuple[float, int] | None = None
        labels: dict[str, int] = {}
        minimum: float | None = None
        for _, entry in self.entries(values, TEST["bands"]):
            fields = self.read_shape(entry, BAND)
            minimum, label = fields["min_percent"], fields["label"]
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

