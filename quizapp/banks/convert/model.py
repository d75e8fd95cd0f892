"""What a converter produces: questions in our types, and a report of what could not be kept."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_OPTIONS = 10


@dataclass
class Option:
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass
class Question:
    name: str  # the Moodle question name (or a GIFT title), for the comment above the item
    type: str  # single | multiple | ordering
    stem: str
    options: list[Option]
    rationale: str = ""
    scoring: str = "all-or-nothing"
    category: str = ""
    where: str = ""  # where it was in the source, e.g. "question 3 (line 12)"
    notes: list[str] = field(default_factory=list)  # what was changed or lost on the way
    idnumber: str = ""  # Moodle's ID number (quizapp's own exports put the item id there)


@dataclass
class Skipped:
    where: str
    name: str
    reason: str

    def __str__(self) -> str:
        label = f" '{self.name}'" if self.name else ""
        return f"{self.where}{label}: not converted: {self.reason}"


@dataclass
class Conversion:
    source: str  # the input file's name
    kind: str  # "Moodle XML" | "GIFT"
    questions: list[Question] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    def report_lines(self, ids: list[str] | None = None) -> list[str]:
        """One line per question not converted, then one per change or loss in a converted one."""
        lines = [str(s) for s in self.skipped]
        for n, question in enumerate(self.questions):
            label = f"{ids[n]} ({question.where})" if ids else question.where
            for note in question.notes:
                lines.append(f"{label}: {note}")
        return lines

    def summary(self) -> str:
        changed = sum(1 for q in self.questions if q.notes)
        return (f"{len(self.questions)} question{'s' if len(self.questions) != 1 else ''} converted "
                f"({changed} with something to check), {len(self.skipped)} not converted")


def check_question(question: Question) -> str | None:
    """Why a converted question still breaks our format's rules, or None. (The type rules of
    docs/bank-format.md, section 8, and unique option texts.)"""
    if not question.stem.strip():
        return "the question text is empty"
    n = len(question.options)
    texts = [o.text for o in question.options]
    if any(not t.strip() for t in texts):
        return "an answer has no text"
    duplicates = sorted({t for t in texts if texts.count(t) > 1})
    if duplicates:
        return f"two answers have the same text ('{duplicates[0]}')"
    if n > MAX_OPTIONS:
        return f"{n} answers: our items have at most {MAX_OPTIONS}"
    correct = sum(o.correct for o in question.options)
    if question.type == "single":
        if n < 2:
            return "a single-choice question needs at least 2 answers"
        if correct != 1:
            return f"a single-choice question needs exactly one correct answer, not {correct}"
    elif question.type == "multiple":
        if n < 3:
            return "a multiple-response question needs at least 3 answers"
        if correct < 2:
            return f"a multiple-response question needs at least two correct answers, not {correct}"
        if correct == n:
            return "every answer is correct: a multiple-response question needs at least one incorrect answer"
    elif question.type == "ordering":
        if n < 3:
            return "an ordering question needs at least 3 items"
    return None
