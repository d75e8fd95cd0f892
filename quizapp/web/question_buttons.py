"""The question page's numbered buttons ("Go to a question"), written in Python.

Every view of a question shows one button per question of the attempt, each saying whether that
question is answered, started (an incomplete choice is kept) or flagged, and which is the current
one. As a Jinja loop the 30 buttons of a mock cost a tenth of the page's rendering (Jinja's
attribute lookups and escaping for some 400 values); the states change as the candidate answers,
so the list cannot be kept between views. Everything here is a number or a fixed string, so there
is nothing to escape. `tests/web/candidate/test_question_buttons.py` checks the HTML against the
template loop it replaced, for every state.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from quizapp.services.results import NavEntry


_ARIA_CURRENT = ' aria-current="step"'
_FLAG = '<span aria-hidden="true"> ⚑</span>'


def _button(entry: NavEntry, current: int) -> str:
    classes = "app-question-nav__button"
    if entry.answered:
        classes += " app-question-nav__button--answered"
        state = ", answered"
    elif entry.started:
        classes += " app-question-nav__button--started"
        state = ", not answered yet (started)"
    else:
        state = ", not answered"
    if entry.flagged:
        classes += " app-question-nav__button--flagged"
        state += ", flagged"
    is_current = entry.position == current
    if is_current:
        classes += " app-question-nav__button--current"
    position = int(entry.position)
    aria_current = _ARIA_CURRENT if is_current else ""
    flag = _FLAG if entry.flagged else ""
    return (
        '<li class="app-question-nav__item">'
        f'<button type="submit" name="goto" value="{position}" class="{classes}"{aria_current}>'
        f'<span class="govuk-visually-hidden">Question </span>{position}'
        f'<span class="govuk-visually-hidden">{state}</span>{flag}'
        "</button></li>"
    )


def question_buttons(nav: Iterable[NavEntry], current: int) -> Markup:
    """The `<li>` of each question's button, in order; `current` is the position shown."""
    return Markup("\n".join(_button(entry, current) for entry in nav))
