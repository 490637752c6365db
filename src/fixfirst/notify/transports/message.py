"""A chat message before a transport shapes it: what the chat, SMS and push transports share.

``notify.services.queue_to_channel`` builds one, the channel's transport renders it into the
exact request body at queueing time (so every retry sends the same bytes), and the worker's
``send`` only delivers what was rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    title: str
    text: str = ""
    link: str = ""
    link_label: str = "Open"
    # Major incident or P1: red cards, high push priority, a siren tag.
    urgent: bool = False
    # Short label/value pairs shown as a table where the chat has one ("Customer", "Alpha").
    facts: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def plain(self, *, with_link: bool = True) -> str:
        """Title, text, facts and link as plain text (SMS, ntfy, fallbacks)."""
        lines = [self.title]
        if self.text:
            lines.append(self.text)
        lines += [f"{label}: {value}" for label, value in self.facts]
        if with_link and self.link:
            lines.append(self.link)
        return "\n".join(line for line in lines if line)
