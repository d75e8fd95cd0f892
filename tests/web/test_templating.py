"""The app's Jinja environment: each template's globals are a plain dict made when it is loaded
(quizapp.web.templating.Environment, a speed-up of every render), and still hold every global."""

from __future__ import annotations


def test_a_loaded_template_holds_every_global_the_app_registered(app):
    env = app.jinja_env
    for name in ("base.html", "candidate/question.html", "candidate/_answer_fields.html"):
        template = env.get_template(name)
        assert type(template.globals) is dict
        assert {key: template.globals[key] for key in env.globals} == env.globals
    assert {"csrf_token", "url_for", "cached_fragment", "csp_nonce"} <= set(env.globals)
