"""What people say on an incident: internal notes, public updates, customer comments, the
workaround, links to other incidents and attachments."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import record
from fixfirst.incidents import messages, signals
from fixfirst.incidents.choices import EventKind, LinkKind, Status
from fixfirst.incidents.lifecycle import apply_status, check_transition
from fixfirst.incidents.models import Attachment, Incident, IncidentLink, TimelineEvent
from fixfirst.incidents.records import add_event, is_staff, lock, require_text, save_changes


@transaction.atomic
def add_note(incident: Incident, *, by: Any, body: str) -> TimelineEvent:
    """An internal note: staff only, never shown to the customer. @mentions notify staff."""
    require_text(body=body)
    incident = lock(incident)
    event = add_event(incident, EventKind.NOTE, by, body)
    save_changes(incident, [])
    messages.notify_mentions(incident, body, by=by)
    return event


@transaction.atomic
def post_update(
    incident: Incident, *, by: Any, body: str, status: str | None = None
) -> TimelineEvent:
    """A public update: on the customer's view at once, and mailed to the reporter."""
    require_text(body=body)
    incident = lock(incident)
    now = timezone.now()
    fields: list[str] = []
    old = incident.status
    if status and status != incident.status:
        if status in (Status.RESOLVED, Status.CLOSED):
            raise ValidationError({"status": _("Resolve or close with their own actions.")})
        check_transition(incident.status, status)
        fields += apply_status(incident, status, now)
    if incident.first_response_at is None and is_staff(by):
        incident.first_response_at = now
        fields.append("first_response_at")
    save_changes(incident, fields, now)
    event = add_event(
        incident, EventKind.UPDATE, by, body, public=True, old=old, new=incident.status
    )
    record("incident.update", incident, by=by, after={"status": incident.status})
    messages.notify_reporter(incident, "update", event=event)
    messages.notify_mentions(incident, body, by=by)
    if old == Status.NEW and incident.status != Status.NEW:
        signals.incident_acknowledged.send(sender=Incident, incident=incident, by=by)
    return event


@transaction.atomic
def add_comment(incident: Incident, *, by: Any, body: str, via: str = "portal") -> TimelineEvent:
    """The customer's own words (portal or email). A reply ends waiting-for-customer."""
    require_text(body=body)
    incident = lock(incident)
    if incident.status == Status.CLOSED:
        raise ValidationError({"status": _("This incident is closed; please report a new one.")})
    now = timezone.now()
    fields: list[str] = []
    if incident.status == Status.WAITING:
        fields += apply_status(incident, Status.INVESTIGATING, now)
    save_changes(incident, fields, now)
    event = add_event(incident, EventKind.COMMENT, by, body, public=True, via=via)
    watchers = [incident.assignee] if incident.assignee else []
    messages.notify_staff(incident, watchers, "comment", by=by)
    return event


@transaction.atomic
def record_workaround(incident: Incident, *, by: Any, text: str) -> TimelineEvent:
    """A way around the problem, kept apart from the fix. Shared with the reporter."""
    require_text(text=text)
    incident = lock(incident)
    incident.workaround = text
    save_changes(incident, ["workaround"])
    event = add_event(incident, EventKind.WORKAROUND, by, text, public=True)
    record("incident.workaround", incident, by=by)
    messages.notify_reporter(incident, "update", event=event)
    return event


@transaction.atomic
def link_incidents(incident: Incident, other: Incident, kind: str, *, by: Any) -> IncidentLink:
    if kind not in LinkKind.values:
        raise ValidationError({"kind": _("Unknown link kind %(kind)s.") % {"kind": repr(kind)}})
    if other.pk == incident.pk:
        raise ValidationError({"target": _("An incident cannot be linked to itself.")})
    link, created = IncidentLink.objects.get_or_create(source=incident, target=other, kind=kind)
    if created:
        add_event(incident, EventKind.LINKED, by, link=kind, target=other.reference)
        record("incident.link", incident, by=by, after={"kind": kind, "target": other.reference})
    return link


def check_upload(upload: UploadedFile) -> str:
    """Size and type limits; returns the content type to store."""
    name = PurePath(upload.name or "").name
    if not name:
        raise ValidationError({"file": _("The file has no name.")})
    if upload.size is None or upload.size > settings.FIXFIRST_ATTACHMENT_MAX_BYTES:
        limit = settings.FIXFIRST_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError(
            {
                "file": _("%(name)s is larger than the %(limit)s MB limit.")
                % {"name": name, "limit": limit}
            }
        )
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type not in settings.FIXFIRST_ATTACHMENT_TYPES:
        raise ValidationError(
            {"file": _("Files of type %(type)s are not accepted.") % {"type": content_type}}
        )
    return content_type


@transaction.atomic
def attach_file(
    incident: Incident, *, by: Any, upload: UploadedFile, public: bool = True
) -> Attachment:
    content_type = check_upload(upload)
    incident = lock(incident)
    name = PurePath(upload.name or "file").name[:200]
    event = add_event(incident, EventKind.ATTACHMENT, by, name, public=public, size=upload.size)
    attachment = Attachment(
        incident=incident, event=event, name=name, size=upload.size or 0, content_type=content_type
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    save_changes(incident, [])
    record("incident.attach", incident, by=by if is_staff(by) else None, after={"file": name})
    return attachment
