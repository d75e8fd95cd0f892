"""Small in-memory bank sets for the lint, coverage and forms tests: BankSet dataclasses built
directly, without YAML, so that each test states exactly the items it needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from quizapp.banks.model import (
    Bank,
    BankSet,
    Draw,
    Framework,
    Item,
    Option,
    Scenario,
    Section,
    Statement,
    TestBlueprint,
)

OPTION_WORDS = ("alpha", "bravo", "delta", "hotel", "oscar", "tango", "romeo", "kilos", "lemon", "mango")


def options(n: int = 4, correct: Iterable[int] = (0,), texts: Sequence[str] | None = None,
            feedback: str = "Because.") -> tuple[Option, ...]:
    """``n`` options with distinct texts of equal length (unless ``texts``), so that none is
    strictly the longest; ``correct`` by index."""
    keys = set(correct)
    if texts is None:
        texts = [f"The {word} answer" for word in OPTION_WORDS[:n]]
    return tuple(Option(text, i in keys, feedback) for i, text in enumerate(texts))


def item(key: str = "i1", *, type: str = "single", section: str = "knowledge",
         statements: tuple[str, ...] = ("A",), stem: str = "What does section 17 require?",
         opts: tuple[Option, ...] | None = None, references: tuple[str, ...] = ("Children Act 1989, s.17",),
         difficulty: int | None = 2, line: int = 1, file: str = "bank.yaml", scenario: str | None = None,
         framework: str = "fw", bank: str = "bank", position: int = 0) -> Item:
    if opts is None:
        opts = options(8, (0, 1, 2)) if type == "multiple" else options(4, () if type == "ordering" else (0,))
    return Item(key=key, type=type, section=section, statements=statements, stem=stem, options=opts,
                rationale="Why.", difficulty=difficulty, references=references, bank=bank,
                framework=framework, scenario=scenario, position=position, file=file, line=line)


def many(n: int, prefix: str = "i", **kwargs) -> list[Item]:
    """``n`` items with distinct keys, lines (10 apart) and stems, as a bank file would have."""
    out = []
    for k in range(n):
        fields = {"stem": f"Which rule {prefix}{k} applies?", **kwargs}
        it = item(f"{prefix}{k}", line=10 * k + 1, **fields)
        out.append(it)
    return out


def scenario(key: str, items: list[Item], *, bank: str = "bank", file: str = "bank.yaml", line: int = 1) -> Scenario:
    for position, it in enumerate(items):
        it.scenario, it.position = key, position
    return Scenario(key=key, title=f"Scenario {key}", text="A vignette.", items=items, bank=bank, file=file, line=line)


def bank_set(items: Iterable[Item] = (), *, scenarios: Iterable[Scenario] = (), codes: Sequence[str] = ("A", "B"),
             framework: str = "fw", level: str = "practitioner", bank: str = "bank", file: str = "bank.yaml",
             tests: Iterable[TestBlueprint] = (), extra_banks: Iterable[Bank] = ()) -> BankSet:
    fw = Framework(framework, "Framework", level, [Statement(c, f"Statement {c}", "Summary.") for c in codes],
                   file="framework.yaml", line=1)
    the_bank = Bank(bank, framework, "Bank", list(items), list(scenarios), file=file, line=1)
    banks = {b.key: b for b in (the_bank, *extra_banks)}
    return BankSet(frameworks={framework: fw}, banks=banks, tests={t.key: t for t in tests},
                   files=sorted({"framework.yaml", *(b.file for b in banks.values())}))


def blueprint(key: str, *sections: tuple[str, Draw], framework: str = "fw") -> TestBlueprint:
    return TestBlueprint(key=key, title=key, framework=framework, time_limit_minutes=60, pass_mark_percent=60,
                         sections=[Section(name, draw, framework) for name, draw in sections], file="test.yaml", line=1)
