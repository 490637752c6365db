"""``{{ text|render_markdown }}``: Markdown that people typed, as safe HTML.

Raw HTML in the source is escaped by markdown-it (html disabled) and the result is cleaned
again by nh3, so nothing a reporter writes can add script, styles or event handlers.
"""

from __future__ import annotations

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

register = template.Library()

# "breaks": people type notes as plain text, where a newline means a new line.
_MD = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table")
# Images are left out: the CSP would block remote ones anyway, and they can track readers.
_TAGS = nh3.ALLOWED_TAGS - {"img", "area", "map"}


@register.filter(is_safe=True)
def render_markdown(text: str | None) -> SafeString:
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    html = nh3.clean(_MD.render(str(text)), tags=_TAGS, link_rel="noopener noreferrer nofollow")
    return mark_safe(html)  # noqa: S308 - cleaned by nh3 just above
