"""HTML and plain text from Moodle as the safe Markdown subset: rendered, never raw HTML."""

from __future__ import annotations

import pytest

from quizapp.domain import markup
from quizapp.banks.convert.markdown import (
    escape_text,
    html_to_markdown,
    markdown_to_subset,
    plain_to_markdown,
)


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>Hello <b>world </b>and <i>you</i></p>", "Hello **world** and *you*"),
        ("<p>One<br>two</p>", "One\\\ntwo"),
        ("<p>a</p><p>b</p>", "a\n\nb"),
        ("<div>a<p>b</p>c</div>", "a\n\nb\n\nc"),
        ("<ul><li>one</li><li>two<ul><li>two a</li></ul></li></ul>", "- one\n- two\n  - two a"),
        ("<ol><li>x<li>y</ol>", "1. x\n2. y"),
        ("<p>See <a href='https://www.gov.uk/x'>guidance</a></p>", "See [guidance](https://www.gov.uk/x)"),
        ("<p><a href='javascript:alert(1)'>click</a></p>", "click"),
        ("<p>&lt;b&gt; is a tag</p>", "\\<b> is a tag"),
        ("<p>5 * 3 = 15, snake_case and _x_</p>", "5 \\* 3 = 15, snake_case and \\_x\\_"),
        ("<p>[brackets] and `ticks` and \\</p>", "\\[brackets\\] and \\`ticks\\` and \\\\"),
        ("<p>&amp;copy; stays text</p>", "\\&copy; stays text"),
        ("<p>- not a list</p>", "\\- not a list"),
        ("<p>1. not a list either</p>", "1\\. not a list either"),
        ("<code>s.47</code>", "`s.47`"),
        ("<script>alert(1)</script><style>p{}</style><p>kept</p>", "kept"),
        ("<p>   lots   of\n\n   space  </p>", "lots of space"),
        ("<strong> </strong>", ""),
        ("Caf\u00e9 &eacute; &#8212;", "Caf\u00e9 \u00e9 \u2014"),
    ],
)
def test_html_to_markdown(html, markdown):
    text, _losses = html_to_markdown(html)
    assert text == markdown
    assert markup.find_raw_html(text) == []


@pytest.mark.parametrize(
    ("html", "loss", "kept"),
    [
        ("<img src='@@PLUGINFILE@@/a.png' alt='A body map'>", "an image (its description is kept)", "(image: A body map)"),
        ("<img src='a.png'>", "an image", ""),
        ("<table><tr><th>Act</th><th>Section</th></tr><tr><td>CA 1989</td><td>47</td></tr></table>",
         "a table (each row kept as a line, cells separated by '|')", "Act | Section\\\nCA 1989 | 47"),
        ("<h2>Title</h2>", "headings (kept as bold text)", "**Title**"),
        ("<pre>line 1\n  line 2</pre>", "preformatted text (kept as ordinary text)", "line 1\\\nline 2"),
        ("<blockquote><p>said</p></blockquote>", "a block quote (kept as ordinary paragraphs)", "said"),
        ("<a href='ftp://x/y'>file</a>", "a link that is not to a web or email address (its text is kept)", "file"),
    ],
)
def test_what_the_subset_cannot_hold_is_reported(html, loss, kept):
    text, losses = html_to_markdown(html)
    assert loss in losses
    assert text == kept


def test_the_rendered_html_is_what_moodle_showed():
    text, _ = html_to_markdown("<p>A <strong>bold</strong> claim,<br>a <em>list</em>:</p><ul><li>one</li><li>two</li></ul>")
    assert markup.render(text) == (
        "<p>A <strong>bold</strong> claim,<br>\na <em>list</em>:</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    )


def test_plain_text():
    assert plain_to_markdown("- a\n* b\n\n2. c  [x] <y>") == "\\- a\\\n\\* b\n\n2\\. c \\[x\\] \\<y>"
    assert markup.render(plain_to_markdown("x < 5 and y > 3")) == "<p>x &lt; 5 and y &gt; 3</p>\n"


def test_escape_text_leaves_words_alone():
    assert escape_text("Children's social care (s.17)") == "Children's social care (s.17)"


def test_markdown_keeps_the_subset_and_escapes_html():
    text, losses = markdown_to_subset("Which is **not** a duty? <script>x</script>")
    assert text == "Which is **not** a duty? \\<script>x\\</script>"
    assert losses == ["HTML in the Markdown is shown as text"]
    assert markdown_to_subset("# Heading\n\n![img](x.png)")[1] == [
        "Markdown outside quizapp's subset (heading, image, table, quote or code block) shows as typed"]
