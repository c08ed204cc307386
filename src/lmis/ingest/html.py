"""Job ad descriptions: sanitised HTML and plain text, with nh3 (the ammonia sanitiser)."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "blockquote",
        "a",
        "span",
        "div",
    }
)
_ACTIVE_CONTENT = re.compile(
    r"<\s*(script|iframe|object|embed)\b|(href|src|action)\s*=\s*[\"']?\s*javascript\s*:|<[^>]*\son[a-z]+\s*=",
    re.IGNORECASE,
)
_BLOCK_END = re.compile(r"</(p|li|h[2-6]|tr|div|blockquote)>|<br\s*/?>", re.IGNORECASE)


def unescape_if_escaped(text: str) -> str:
    """Undo one level of HTML escaping when a whole description was escaped ("&lt;p&gt;...")."""
    if "<" not in text and re.search(r"&lt;\s*/?\s*[a-z]", text, re.IGNORECASE):
        return html.unescape(text)
    return text


def has_active_content(markup: str) -> bool:
    """True when the markup carries script, frames or event handlers (never legitimate in an ad)."""
    return bool(_ACTIVE_CONTENT.search(markup))


def sanitise(markup: str) -> str:
    """Keep the structural tags of `ALLOWED_TAGS` and safe links; drop everything else."""
    return nh3.clean(markup, tags=set(ALLOWED_TAGS), attributes={"a": {"href", "title"}}, link_rel="nofollow noopener")


def plain_text(markup: str) -> str:
    """The text of the markup with paragraphs and list items on their own lines."""
    marked = _BLOCK_END.sub("\n", markup)
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
