"""The domain: pure rules and data with no Flask and no database session.

Scoring, the timer rule, assembling a form from a blueprint, the question-type registry, the
Markdown subset, the item-analysis formulas and the autosave tokens. Everything here is a
function of its arguments, unit-tested on its own (tests/domain/).
"""
