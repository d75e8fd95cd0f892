"""The safe Markdown subset: raw HTML is found by line, and never rendered."""

from __future__ import annotations

import pytest

from quizapp.domain.markup import find_raw_html, plain, raw_html, render


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Plain **strong** text", []),
        ("aged < 5 and > 2", []),
        ("see <https://www.gov.uk>", []),  # an autolink is Markdown, not HTML
        ("a <b>bold</b> word", [0]),
        ("<script>alert(1)</script>", [0]),
        ("one\ntwo <br> three\nfour", [1]),
        ("para\n\n<!-- a comment -->\n", [2]),
        ("para\n\n<div>\nblock\n</div>\n", [2]),
        ("- first\n- second <i>x</i>\n", [1]),
        ("`<b>` in code is fine", []),
        ("<b>one</b>\n\n<i>two</i>", [0, 2]),
    ],
)
def test_find_raw_html(text: str, lines: list[int]) -> None:
    assert find_raw_html(text) == lines


def test_raw_html_gives_a_snippet() -> None:
    assert raw_html("x <script>alert(1)</script>") == [(0, "<script>"), (0, "</script>")]


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("**strong** and *em* and `code`",
         "<p><strong>strong</strong> and <em>em</em> and <code>code</code></p>\n"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("[Act](https://www.legislation.gov.uk/)", '<p><a href="https://www.legislation.gov.uk/">Act</a></p>\n'),
        ("[mail](mailto:team@example.org)", '<p><a href="mailto:team@example.org">mail</a></p>\n'),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("[x](data:text/html,hi)", "<p>[x](data:text/html,hi)</p>\n"),
        ("[x](/relative)", "<p>[x](/relative)</p>\n"),
        ("# Not a heading", "<p># Not a heading</p>\n"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<p>| a | b |\n|---|---|\n| 1 | 2 |</p>\n"),
    ],
    ids=["inline", "bullets", "numbers", "script-escaped", "https", "mailto", "javascript",
         "data", "relative", "no-headings", "no-tables"],
)
def test_render(text: str, html: str) -> None:
    assert render(text) == html


def test_render_never_emits_an_image_or_raw_tag() -> None:
    out = render('![x](https://example.org/i.png) <img src=x onerror="alert(1)">')
    assert "<img" not in out
    assert "&lt;img" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Which **three** of these?", "Which three of these?"),
        ("*one* and __two__ and `code`", "one and two and code"),
        ("see [the guidance](https://www.gov.uk) and <https://x.example>", "see the guidance and https://x.example"),
        ("a \\*literal\\* star &amp; an entity", "a *literal* star & an entity"),
        ("first line\nsecond line\n\n- item one\n- item two", "first line second line item one item two"),
        ("<b>escaped</b>", "<b>escaped</b>"),  # plain text: the template escapes it
        ("", ""),
    ],
)
def test_plain_is_the_text_without_the_markup(text: str, expected: str) -> None:
    assert plain(text) == expected
