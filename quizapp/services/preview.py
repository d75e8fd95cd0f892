"""Previews for trainers: an item, a scenario or a whole test form, exactly as a candidate would
see it, from a seeded draw that can be replayed (`?seed=`). Nothing is stored: the questions are
the same kind of objects the candidate's pages use, built in memory. No Flask here."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quizapp.banks import model as bm
from quizapp.domain import question_types
from quizapp.services import results
from quizapp.domain.assembly import DrawError, PoolItem, assemble, option_order
from quizapp.data.models import Item, ItemVersion, TestForm

MAX_SEED = 2**31 - 1


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED)


def parse_seed(value: str | None) -> int | None:
    """A seed from the query string: None when absent; ValueError when it is not one."""
    if value is None or value == "":
        return None
    if not value.isdigit() or int(value) > MAX_SEED:
        raise ValueError("a seed is a whole number from 0 to 2147483647")
    return int(value)


@dataclass
class PreviewResponse:
    answer: list[int]
    seq: int = 0
    complete: bool = True


@dataclass
class PreviewQuestion:
    """Quacks like an AttemptQuestion for results.question_view and results.review_question."""

    item_version: ItemVersion
    option_order: list[int]
    position: int = 1
    section: str = ""
    flagged: bool = False
    response: PreviewResponse | None = None
    score: float | None = None
    scenario_key: str | None = None
    item_key: str = ""

    @property
    def answer(self) -> list[int] | None:
        return self.response.answer if self.response is not None else None


@dataclass
class Shown:
    question: PreviewQuestion
    view: results.QuestionView
    review: results.QuestionReview
    error: str | None = None


def shown(question: PreviewQuestion, submitted: dict[str, Any] | None = None, error: str | None = None) -> Shown:
    return Shown(question, results.question_view(None, question, submitted=submitted),  # type: ignore[arg-type]
                 results.review_question(question), error)


def order_for(version: ItemVersion, seed: int, shuffle: bool = True) -> list[int]:
    """The option order a candidate would see for this seed (ordering items are never shown in order)."""
    item = PoolItem(version.id, "", "", version.section, (), version.type, len(version.options))
    return list(option_order(random.Random(seed), item, shuffle))


def parse_order(value: str | None, n: int) -> list[int] | None:
    """An explicit option order (`2,0,1,3`), as a form preview links to; None if absent or not a permutation."""
    if not value:
        return None
    try:
        order = [int(part) for part in value.split(",")]
    except ValueError:
        return None
    return order if sorted(order) == list(range(n)) else None


def answer(question: PreviewQuestion, form: Any) -> Shown:
    """The question with a trainer's trial answer (read like a candidate's form), marked."""
    version = question.item_version
    qtype = question_types.of(version.type)
    chosen, problem = qtype.parse_form(form, question.option_order, version.options)
    if problem or chosen is None:
        return shown(question, submitted=qtype.form_state(form, question.option_order),
                     error=problem or ("Choose a position for every option" if qtype.input == "ordering" else "Select an answer"))
    question.response = PreviewResponse(chosen)
    question.score = qtype.mark(version.options, version.scoring, chosen)
    return shown(question)


def item_version(session: Session, key: str, number: int | None = None) -> tuple[Item, ItemVersion] | None:
    item = session.scalar(select(Item).where(Item.key == key).options(selectinload(Item.versions)))
    if item is None:
        return None
    if number is None:
        version = item.current_version
    else:
        version = next((v for v in item.versions if v.number == number), None)
    return (item, version) if version is not None else None


def scenario_questions(items: Sequence[tuple[str, ItemVersion]], seed: int, scenario_key: str | None = None) -> list[PreviewQuestion]:
    """A scenario's items in order, with option orders drawn from one seed as a form would."""
    rng = random.Random(seed)
    out = []
    for n, (key, version) in enumerate(items, start=1):
        pool_item = PoolItem(version.id, key, "", version.section, (), version.type, len(version.options))
        out.append(PreviewQuestion(version, list(option_order(rng, pool_item, True)), position=n,
                                   section=version.section, item_key=key, scenario_key=scenario_key))
    return out


@dataclass
class FormPreview:
    test: TestForm
    seed: int
    questions: list[PreviewQuestion]
    error: str | None = None


def form_for_test(session: Session, test: TestForm, seed: int) -> FormPreview:
    """The form a candidate starting `test` with this seed would get (from today's pool)."""
    from .attempts import draw_specs, load_pool

    specs = draw_specs(test)
    pool = load_pool(session, {spec.framework for spec in specs}, test.organisation_id)
    try:
        drawn = assemble(pool, specs, seed, bool(test.blueprint.get("shuffle_options", True)))
    except DrawError as error:
        return FormPreview(test, seed, [], f"The banks cannot make a form of this test: {error}")
    versions = {v.id: v for v in session.scalars(
        select(ItemVersion).where(ItemVersion.id.in_([q.version_id for q in drawn]))
        .options(selectinload(ItemVersion.statements))
    )}
    questions = [
        PreviewQuestion(versions[q.version_id], list(q.option_order), position=n, section=q.section,
                        scenario_key=q.scenario, item_key=q.key)
        for n, q in enumerate(drawn, start=1)
    ]
    return FormPreview(test, seed, questions)



# -- drafts: previews of an upload that is not published (nothing of it is in the database) ---------


def draft_version(item: bm.Item, scenario: bm.Scenario | None, number: int) -> ItemVersion:
    """A transient ItemVersion (never added to a session) holding a draft item's content."""
    return ItemVersion(
        id=-number, number=0, type=item.type, section=item.section, difficulty=item.difficulty, scoring=item.scoring,
        stem=item.stem, options=[{"text": o.text, "correct": o.correct, "feedback": o.feedback} for o in item.options],
        rationale=item.rationale, references=list(item.references),
        scenario_title=scenario.title if scenario else None, scenario_text=scenario.text if scenario else None,
        statements=[],
    )


def _draft_versions(bank_set: bm.BankSet) -> dict[str, ItemVersion]:
    out: dict[str, ItemVersion] = {}
    for bank in bank_set.banks.values():
        scenarios = {s.key: s for s in bank.scenarios}
        for item in bank.all_items():
            out[item.key] = draft_version(item, scenarios.get(item.scenario) if item.scenario else None, len(out) + 1)
    return out


def draft_questions(draft: bm.BankSet, seed: int) -> list[PreviewQuestion]:
    """Every item of a draft's banks, in file order, with option orders drawn from one seed."""
    rng = random.Random(seed)
    out = []
    for n, (key, version) in enumerate(_draft_versions(draft).items(), start=1):
        pool_item = PoolItem(version.id, key, "", version.section, (), version.type, len(version.options))
        out.append(PreviewQuestion(version, list(option_order(rng, pool_item, True)), position=n,
                                   section=version.section, item_key=key))
    return out


def draft_form(context: bm.BankSet, test: bm.TestBlueprint, seed: int) -> tuple[list[PreviewQuestion], str | None]:
    """A form of a draft test drawn from the whole checked set (the folder, the owner's published
    files and the draft), as it would be drawn once published."""
    from quizapp.banks.forms import draw_specs as blueprint_specs
    from quizapp.banks.forms import pool_from_bank_set

    pool = pool_from_bank_set(context)
    try:
        drawn = assemble(pool, blueprint_specs(test), seed, test.shuffle_options)
    except DrawError as error:
        return [], f"The banks cannot make a form of this test: {error}"
    versions = _draft_versions(context)
    return [PreviewQuestion(versions[q.key], list(q.option_order), position=n, section=q.section,
                            scenario_key=q.scenario, item_key=q.key)
            for n, q in enumerate(drawn, start=1)], None
