"""The safe Markdown subset used in question banks, and its renderer.

Bank text fields (stems, options, feedback, rationales, summaries, vignettes, titles,
descriptions) are Markdown limited to: paragraphs, line breaks, *emphasis*, **strong**,
bulleted and numbered lists, `inline code`, links and backslash escapes / HTML entities.
Headings, images, block quotes, code blocks, rules and tables are not part of the subset:
their markup is shown as the plain text it is.

Raw HTML (tags, comments) is never passed through: :func:`find_raw_html` lets the bank
validator reject it, and :func:`render` escapes whatever HTML remains. Links are made only
for ``http``, ``https`` and ``mailto`` addresses; any other link is left as text.

Pure functions, no Flask: safe to call from the validator, the importer or a template filter.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
"""The only URL schemes a rendered link may use."""

_BLOCK_RULES = ["list", "reference", "paragraph"]
_INLINE_RULES = ["newline", "escape", "backticks", "emphasis", "link", "autolink", "entity"]
_HTML_RULES = ["html_block", "html_inline"]
_SNIPPET_LENGTH = 40


def _validate_link(url: str) -> bool:
    """A link is made only for an http(s) or mailto address."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in ALLOWED_LINK_SCHEMES


def _make(html: bool) -> MarkdownIt:
    md = MarkdownIt("zero", {"html": html, "linkify": False, "typographer": False})
    md.enable(_BLOCK_RULES + _INLINE_RULES + (_HTML_RULES if html else []))
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


_renderer = _make(html=False)
_detector = _make(html=True)


def render(text: str) -> str:
    """HTML for ``text`` in the safe subset; any HTML in ``text`` comes out escaped."""
    return _renderer.render(text)


def find_raw_html(text: str) -> list[int]:
    """0-based line offsets within ``text`` where raw HTML (a tag or comment) appears,
    sorted, each once. Empty when the text is clean."""
    return sorted({line for line, _ in raw_html(text)})


def raw_html(text: str) -> list[tuple[int, str]]:
    """Each piece of raw HTML in ``text``: (0-based line offset, the HTML's first line,
    shortened). Inline HTML is located by counting the line breaks before it in its
    paragraph or list item."""
    if "<" not in text:  # fast path: no HTML without a '<'
        return []
    found: list[tuple[int, str]] = []
    for token in _detector.parse(text):
        if token.type == "html_block" and token.map:
            found.append((token.map[0], _snippet(token.content)))
        elif token.type == "inline" and token.map and token.children:
            found.extend(_inline_html(token.map[0], token.children))
    return found


def _inline_html(first_line: int, children: list[Token]) -> list[tuple[int, str]]:
    found = []
    line = first_line
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "html_inline":
            found.append((line, _snippet(child.content)))
    return found


def _snippet(html: str) -> str:
    first = html.strip().splitlines()[0] if html.strip() else html
    return first if len(first) <= _SNIPPET_LENGTH else first[: _SNIPPET_LENGTH - 3] + "..."


def render_inline(text: str) -> str:
    """The subset as *phrasing content* only, for places where block elements are not allowed
    (a question inside a legend's h1, a label, an option). Each paragraph or list item becomes
    a ``<span class="app-block">``; list items keep a bullet or their number."""
    tokens = _renderer.parse(text)
    parts: list[str] = []
    lists: list[list[int]] = []  # a stack of [ordered, counter]
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append([token.type == "ordered_list_open", int(token.attrGet("start") or 1) - 1])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "inline":
            body = _renderer.renderer.renderInline(token.children or [], _renderer.options, {})
            marker = ""
            if lists:
                lists[-1][1] += 1
                marker = f"{lists[-1][1]}. " if lists[-1][0] else "• "
            parts.append(f'<span class="app-block">{marker}{body}</span>')
    return "".join(parts)


def plain(text: str) -> str:
    """The subset as plain text, for places that need a short text or no HTML (a truncated stem
    in a list, a CSV cell): the words without the markup characters (``**three**`` becomes
    ``three``, ``[text](url)`` becomes ``text``), paragraphs and list items joined by a space,
    whitespace collapsed. Escapes and entities come out as the characters they stand for."""
    words: list[str] = []
    for token in _renderer.parse(text):
        if token.type != "inline":
            continue
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        words.append(" ")
    return " ".join("".join(words).split())


def is_safe_link(url: str) -> bool:
    """Whether ``url`` may be a link target (http, https or mailto)."""
    return _validate_link(url)
