"""Reading a raw mail into what the inbound rules need. Never raises: a mail that cannot be
read comes back with ``problem`` set, so that it is recorded and rejected, not lost."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from fixfirst.incidents.models import Incident

_REFERENCE = re.compile(rf"(?<![a-z0-9]){re.escape(Incident.NUMBER_PREFIX)}(\d{{1,18}})\b", re.I)
# "On <date>, <who> wrote:", and the German and Dutch forms ("Am ... schrieb <who>:").
_ATTRIBUTION = re.compile(r"^(on|am|op)\s.+\s(wrote|schrieb|schreef)(\s.*)?:\s*$", re.I)
_ORIGINAL = re.compile(r"^-{2,}\s*(original message|ursprüngliche nachricht)\s*-{2,}$", re.I)
_AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list"})


@dataclass(frozen=True)
class MailAttachment:
    name: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    message_id: str
    sender: str = ""  # lower-cased address, "" when missing or invalid
    subject: str = ""
    body: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    auto_reply: str = ""  # why this is an automatic mail, "" for a person's mail
    problem: str = ""  # why this mail is malformed, "" when it is readable

    @property
    def reference(self) -> int | None:
        """The incident number in the subject (``[INC-1042]`` or ``inc-1042``)."""
        match = _REFERENCE.search(self.subject)
        return int(match.group(1)) if match else None


def parse_mail(raw: bytes) -> ParsedMail:
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "malformed"
        return ParsedMail(message_id=_hashed_id(raw), problem=f"unreadable ({exc})")
    mail = ParsedMail(
        message_id=_message_id(msg, raw),
        subject=" ".join(_header(msg, "Subject").split()),
        auto_reply=_auto_reply(msg),
    )
    mail.sender = _sender(msg)
    if not mail.sender:
        mail.problem = "no valid sender address in From"
        return mail
    try:
        mail.body, body_part = _body(msg)
        mail.attachments = _attachments(msg, body_part)
    except Exception as exc:  # noqa: BLE001 - a broken MIME structure is "malformed"
        mail.problem = f"the message body cannot be read ({exc})"
    return mail


def strip_quoted(text: str) -> str:
    """The new part of a reply: stops at "On ... wrote:" or an Outlook header block, and
    drops ``>`` quoted lines."""
    lines = text.splitlines()
    kept: list[str] = []
    for i, line in enumerate(lines):
        here = line.strip()
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if _ATTRIBUTION.match(here) or _ATTRIBUTION.match(f"{here} {following}"):
            break
        if _ORIGINAL.match(here) or (here.startswith("From:") and following.startswith("Sent:")):
            break
        if here.startswith(">"):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def html_to_text(html: str) -> str:
    converter = _HtmlText()
    converter.feed(html)
    converter.close()
    return converter.text()


# --- headers ------------------------------------------------------------------------------


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - an undecodable header reads as empty
        return ""
    return str(value).strip() if value is not None else ""


def _hashed_id(data: bytes) -> str:
    return f"<sha256-{hashlib.sha256(data).hexdigest()}@fixfirst.invalid>"


def _message_id(msg: Message, raw: bytes) -> str:
    """The Message-ID; a mail without one gets an id derived from its bytes, so that
    fetching it again still finds the first record."""
    value = "".join(_header(msg, "Message-ID").split())
    if not value:
        return _hashed_id(raw)
    if len(value) > 255:
        return _hashed_id(value.encode())
    return value


def _sender(msg: Message) -> str:
    for _name, address in getaddresses([_header(msg, "From")]):
        try:
            validate_email(address)
        except ValidationError:
            continue
        return address.lower()
    return ""


def _auto_reply(msg: Message) -> str:
    auto = _header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = _header(msg, "Precedence").lower()
    if precedence in _AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    if _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond"):
        return "X-Autoreply"
    if msg.get_content_type() == "multipart/report":
        return "delivery report (multipart/report)"
    return ""


# --- body and attachments -----------------------------------------------------------------


def _text_of(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _body(msg: EmailMessage) -> tuple[str, Message | None]:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", None
    text = _text_of(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip(), part


def _attachments(msg: Message, body_part: Message | None) -> list[MailAttachment]:
    found = []
    for part in msg.walk():
        if part.is_multipart() or part is body_part:
            continue
        name = part.get_filename()
        if not name and part.get_content_disposition() != "attachment":
            continue  # the other alternative of the body, not a file
        payload = part.get_payload(decode=True)
        found.append(
            MailAttachment(
                name=name or "attachment",
                content_type=part.get_content_type(),
                content=payload if isinstance(payload, bytes) else b"",
            )
        )
    return found


class _HtmlText(HTMLParser):
    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr"}
    )
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._skip = 0
        self._quote = 0

    def _newline(self, bullet: str = "") -> None:
        # Quoted HTML (<blockquote>) becomes "> " lines, which strip_quoted drops in replies.
        self._parts.append("\n" + "> " * self._quote + bullet)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "blockquote":
            self._quote += 1
            self._newline()
        elif tag in self._BLOCKS:
            self._newline("- " if tag == "li" else "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "blockquote":
            self._quote = max(0, self._quote - 1)
            self._newline()
        elif tag in self._BLOCKS and tag not in ("li", "br"):
            self._newline()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self._parts).splitlines()]
        lines = ["" if re.fullmatch(r"(>\s*)+", line) else line for line in lines]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
