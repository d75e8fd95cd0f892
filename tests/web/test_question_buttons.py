"""The question page's numbered buttons, written in Python (quizapp/web/question_buttons.py), say
exactly what the template loop they replaced said, for every state a button can be in."""

from __future__ import annotations

import itertools
import re

import pytest
from jinja2 import Environment

from quizapp.services.results import NavEntry
from quizapp.web.question_buttons import question_buttons

# The loop as it was in templates/candidate/question.html (with the app's trim_blocks/lstrip_blocks).
TEMPLATE_LOOP = """\
{% for entry in nav %}
  <li class="app-question-nav__item">
    <button type="submit" name="goto" value="{{ entry.position }}"
            class="app-question-nav__button{% if entry.answered %} app-question-nav__button--answered{% elif entry.started %} app-question-nav__button--started{% endif %}{% if entry.flagged %} app-question-nav__button--flagged{% endif %}{% if entry.position == current %} app-question-nav__button--current{% endif %}"
            {% if entry.position == current %}aria-current="step"{% endif %}>
      <span class="govuk-visually-hidden">Question </span>{{ entry.position }}<span class="govuk-visually-hidden">{% if entry.answered %}, answered{% elif entry.started %}, not answered yet (started){% else %}, not answered{% endif %}{% if entry.flagged %}, flagged{% endif %}</span>{% if entry.flagged %}<span aria-hidden="true"> ⚑</span>{% endif %}
    </button>
  </li>
{% endfor %}
"""


def _normalised(html: str) -> str:
    """Whitespace between tags and inside a tag's attribute list does not matter to anyone."""
    html = re.sub(r">\s+<", "><", html.strip())
    html = re.sub(r"\s+>", ">", html)
    return re.sub(r"\s+", " ", html)


def _loop(nav: list[NavEntry], current: int) -> str:
    env = Environment(trim_blocks=True, lstrip_blocks=True, autoescape=True)
    return env.from_string(TEMPLATE_LOOP).render(nav=nav, current=current)


STATES = [NavEntry(position, answered, flagged, started=started)
          for position, (answered, started, flagged) in
          enumerate(itertools.product((False, True), (False, True), (False, True)), start=1)]


@pytest.mark.parametrize("current", [1, 4, 8])
def test_every_state_says_what_the_template_said(current):
    assert _normalised(question_buttons(STATES, current)) == _normalised(_loop(STATES, current))


def test_thirty_buttons_and_exactly_one_current():
    nav = [NavEntry(n, n % 3 == 0, n % 5 == 0) for n in range(1, 31)]
    html = str(question_buttons(nav, 17))
    assert html.count("<button") == 30
    assert html.count('aria-current="step"') == 1
    assert 'value="17" class="app-question-nav__button app-question-nav__button--current" aria-current="step"' in html
