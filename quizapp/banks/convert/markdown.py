"""Text from Moodle (HTML or plain text) as our safe Markdown subset (docs/bank-format.md, section 5).

HTML becomes paragraphs, line breaks, **strong**, *emphasis*, `code`, links (http, https and
mailto only) and bulleted or numbered lists. What the subset cannot hold is flattened to text
and reported as a loss: images (their alt text is kept), tables (one line per row, cells joined
by " | "), headings (kept as strong text), preformatted text and any other link. Scripts and
styles are dropped. Plain text is escaped so that it shows as typed. No HTML ever comes out: a
`<` in the text is escaped, so the validator never sees a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "blockquote", "center", "pre", "table", "thead", "tbody", "tfoot",
    "tr", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl", "dt", "dd", "figure", "figcaption",
    "address", "main", "header", "footer", "aside", "nav", "form", "fieldset",
})
DROPPED_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript", "iframe", "object", "embed", "audio", "video", "svg", "math"})
VOID_TAGS = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "area", "base", "col", "source", "track", "embed"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

_ENTITY_LIKE = re.compile(r"&(#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_LIST_START = re.compile(r"^(\s*)([-+*]|\d{1,9}[.)])(\s|$)")


def escape_text(text: str) -> str:
    """Plain text as Markdown that renders exactly as the text (whitespace aside)."""
    out = []
    for i, char in enumerate(text):
        if char in "\\`*[]<":
            out.append("\\" + char)
        elif char == "_":
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            out.append("_" if before.isalnum() and after.isalnum() else "\\_")
        else:
            out.append(char)
    escaped = "".join(out)
    return _ENTITY_LIKE.sub(lambda m: "\\&" + m.group(0)[1:], escaped)


def _protect_line_start(line: str) -> str:
    """Stop a paragraph's first line from being read as a list item ('- x', '1. x')."""
    match = _LIST_START.match(line)
    if not match:
        return line
    indent, marker = match.group(1), match.group(2)
    if marker[-1] in ".)":
        return f"{indent}{marker[:-1]}\\{marker[-1]}{line[match.end(2):]}"
    return f"{indent}\\{line[len(indent):]}"


def plain_to_markdown(text: str) -> str:
    """Plain text (blank lines between paragraphs, single line breaks kept as breaks)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")) if p.strip()]
    out = []
    for paragraph in paragraphs:
        lines = [" ".join(line.split()) for line in paragraph.strip().split("\n")]
        lines = [escape_text(line) for line in lines if line]
        if lines:
            lines[0] = _protect_line_start(lines[0])
            out.append("\\\n".join(lines))
    return "\n\n".join(out)


_UNESCAPED_LT = re.compile(r"(?<!\\)<")
_OUTSIDE_SUBSET = re.compile(r"^\s{0,3}(#{1,6}\s|>|```|~~~|\|.*\|)|!\[", re.MULTILINE)


def markdown_to_subset(text: str) -> tuple[str, list[str]]:
    """Markdown written for Moodle: kept as it is, except that any '<' is escaped (our subset
    has no raw HTML). Markdown outside the subset (headings, images, tables, quotes, code
    blocks) would show as typed, so it is reported."""
    losses = []
    text = text.replace("\r\n", "\n").strip()
    if _UNESCAPED_LT.search(text):
        text = _UNESCAPED_LT.sub("\\<", text)
        losses.append("HTML in the Markdown is shown as text")
    if _OUTSIDE_SUBSET.search(text):
        losses.append("Markdown outside quizapp's subset (heading, image, table, quote or code block) shows as typed")
    return text, losses


# -- HTML -------------------------------------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving tree: unknown end tags are ignored, unclosed tags close with their parent."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        if tag in ("p", "li"):
            # A new <p> closes an open paragraph, and a new <li> an open item of the same list.
            stops = {"ul", "ol"} if tag == "li" else BLOCK_TAGS - {"p"}
            for open_node in reversed(self.stack[1:]):
                if open_node.tag == tag:
                    self._close(tag)
                    break
                if open_node.tag in stops:
                    break
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if any(n.tag == tag for n in self.stack[1:]):
            self._close(tag)

    def _close(self, tag: str) -> None:
        while len(self.stack) > 1:
            node = self.stack.pop()
            if node.tag == tag:
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


class _Renderer:
    def __init__(self) -> None:
        self.losses: list[str] = []

    def lose(self, what: str) -> None:
        if what not in self.losses:
            self.losses.append(what)

    # Blocks: a list of Markdown blocks (paragraphs or lists), joined by blank lines.
    def blocks(self, node: _Node) -> list[str]:
        out: list[str] = []
        inline: list[_Node | str] = []

        def flush() -> None:
            if inline:
                text = self.paragraph(inline)
                if text:
                    out.append(text)
                inline.clear()

        for child in node.children:
            if isinstance(child, str) or child.tag not in BLOCK_TAGS:
                if isinstance(child, _Node) and child.tag in DROPPED_TAGS:
                    continue
                inline.append(child)
                continue
            flush()
            out.extend(self.block(child))
        flush()
        return out

    def block(self, node: _Node) -> list[str]:
        tag = node.tag
        if tag in ("ul", "ol"):
            text = self.list(node, 0)
            return [text] if text else []
        if tag == "hr":
            return []
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.paragraph(node.children)
            self.lose("headings (kept as bold text)")
            return [f"**{text}**"] if text else []
        if tag == "table":
            self.lose("a table (each row kept as a line, cells separated by '|')")
            rows = [self.paragraph(cell.children) for cell in _cells_by_row(node)]
            rows = [r for r in rows if r]
            return ["\\\n".join(rows)] if rows else []
        if tag == "pre":
            self.lose("preformatted text (kept as ordinary text)")
            text = _text_of(node)
            return [plain_to_markdown(text)] if text.strip() else []
        if tag == "blockquote":
            self.lose("a block quote (kept as ordinary paragraphs)")
        return self.blocks(node)

    def list(self, node: _Node, depth: int) -> str:
        ordered = node.tag == "ol"
        lines: list[str] = []
        number = int(node.attrs.get("start", "1") or 1) if node.attrs.get("start", "1").isdigit() else 1
        indent = "   " * depth if ordered else "  " * depth
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    lines.append(f"{indent}{'1.' if ordered else '-'} {self.paragraph([child])}")
                continue
            if child.tag != "li":
                if child.tag in ("ul", "ol"):
                    nested = self.list(child, depth + 1)
                    if nested:
                        lines.append(nested)
                continue
            marker = f"{number}." if ordered else "-"
            number += 1
            texts: list[str] = []
            nested_lists: list[str] = []
            inline: list[_Node | str] = []
            for part in child.children:
                if isinstance(part, _Node) and part.tag in ("ul", "ol"):
                    nested_lists.append(self.list(part, depth + 1))
                elif isinstance(part, _Node) and part.tag in BLOCK_TAGS:
                    texts.append(self.paragraph(inline, breaks=False))
                    inline = []
                    texts.append(self.paragraph(part.children, breaks=False))
                else:
                    inline.append(part)
            texts.append(self.paragraph(inline, breaks=False))
            text = " ".join(t.strip() for t in texts if t.strip())
            lines.append(f"{indent}{marker} {text}".rstrip())
            lines.extend(n for n in nested_lists if n)
        return "\n".join(lines)

    def paragraph(self, children: list[_Node | str], breaks: bool = True) -> str:
        """Inline content as one paragraph; line breaks become hard breaks (or spaces inside a
        list item, where a break would need indenting)."""
        text = self.inline(children)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        # a line break at the start or end of a paragraph, or two in a row, means nothing
        lines = [line for line in lines if line]
        if not lines:
            return ""
        lines[0] = _protect_line_start(lines[0])
        return ("\\\n" if breaks else " ").join(lines)

    def inline(self, children: list[_Node | str]) -> str:
        parts = []
        for child in children:
            if isinstance(child, str):
                parts.append(escape_text(re.sub(r"\s+", " ", child)))
            else:
                parts.append(self.element(child))
        return "".join(parts)

    def element(self, node: _Node) -> str:
        tag = node.tag
        if tag in DROPPED_TAGS:
            return ""
        if tag == "br":
            return "\n"
        if tag == "img":
            alt = " ".join(node.attrs.get("alt", "").split())
            self.lose("an image (its description is kept)" if alt else "an image")
            return f"(image: {escape_text(alt)})" if alt else ""
        if tag in BLOCK_TAGS:  # a block inside inline content: flatten it
            return " " + " ".join(self.blocks(node)) + " "
        inner = self.inline(node.children)
        if tag in ("strong", "b"):
            return _wrap(inner, "**")
        if tag in ("em", "i", "cite", "dfn", "var"):
            return _wrap(inner, "*")
        if tag in ("code", "tt", "kbd", "samp"):
            code = _text_of(node)
            code = " ".join(code.split())
            if not code:
                return ""
            fence = "``" if "`" in code else "`"
            pad = " " if code.startswith("`") or code.endswith("`") else ""
            return f"{fence}{pad}{code}{pad}{fence}"
        if tag == "a":
            href = node.attrs.get("href", "").strip()
            label = inner.strip()
            try:
                scheme = urlsplit(href).scheme.lower()
            except ValueError:
                scheme = ""
            if href and scheme in LINK_SCHEMES and label and not re.search(r"[\s()<>]", href):
                return f"[{label}]({href})"
            if href and scheme not in LINK_SCHEMES:
                self.lose("a link that is not to a web or email address (its text is kept)")
            return inner
        return inner


def _wrap(inner: str, marker: str) -> str:
    """Emphasis around text, with surrounding spaces moved outside (CommonMark needs the
    markers next to the text)."""
    stripped = inner.strip()
    if not stripped or "\n" in stripped:
        return inner
    leading = inner[: len(inner) - len(inner.lstrip())]
    trailing = inner[len(inner.rstrip()):]
    return f"{leading}{marker}{stripped}{marker}{trailing}"


def _text_of(node: _Node) -> str:
    out = []
    for child in node.children:
        if isinstance(child, str):
            out.append(child)
        elif child.tag == "br":
            out.append("\n")
        elif child.tag not in DROPPED_TAGS:
            out.append(_text_of(child))
    return "".join(out)


def _cells_by_row(table: _Node) -> list[_Node]:
    """One synthetic node per row whose children are the cells' contents joined by ' | '."""
    rows: list[_Node] = []

    def walk(node: _Node) -> None:
        for child in node.children:
            if isinstance(child, _Node):
                if child.tag == "tr":
                    row = _Node("span")
                    cells = [c for c in child.children if isinstance(c, _Node) and c.tag in ("td", "th")]
                    for n, cell in enumerate(cells):
                        if n:
                            row.children.append(" | ")
                        row.children.extend(cell.children)
                    rows.append(row)
                else:
                    walk(child)

    walk(table)
    return rows


def html_to_markdown(html: str) -> tuple[str, list[str]]:
    """(Markdown in the safe subset, what could not be kept as it was)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    renderer = _Renderer()
    text = "\n\n".join(b for b in renderer.blocks(builder.root) if b.strip())
    return text.strip(), renderer.losses
