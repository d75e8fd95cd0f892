"""The candidate's forms. Answers are read by the question types (quizapp.domain.question_types),
because each type knows its own inputs; this form only carries the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A CSRF-protected POST: start, save, flag, submit."""
