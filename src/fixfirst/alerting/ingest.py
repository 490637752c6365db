"""The alert pipeline: route, deduplicate, silence, detect flapping, group into incidents,
and clear them — one transaction per received payload.

Incidents are changed only through the incident services, so alerts leave the same timeline,
audit and SLA trail as people do. The actor on those records is the integration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from fixfirst.alerting.matching import matches
from fixfirst.alerting.models import (
    Alert,
    AlertGroup,
    AlertStatus,
    Integration,
    Silence,
    WhenCleared,
)
from fixfirst.alerting.normalized import AlertAction, NormalizedAlert
from fixfirst.alerting.routing import ConfigCache, Route, route, rules_for
from fixfirst.incidents import services as incidents
from fixfirst.incidents.choices import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    Impact,
    ResolutionCode,
    Status,
    Urgency,
)
from fixfirst.incidents.models import Incident
from fixfirst.incidents.records import add_event

# Priority an alert asks for -> impact and urgency that the (default) matrix turns into it.
_IMPACT_URGENCY = {
    1: (Impact.HIGH, Urgency.HIGH),
    2: (Impact.HIGH, Urgency.MEDIUM),
    3: (Impact.MEDIUM, Urgency.MEDIUM),
    4: (Impact.LOW, Urgency.LOW),
}
_RETRIES = 3


@dataclass
class IngestResult:
    accepted: int = 0
    dropped: int = 0
    silenced: int = 0
    unrouted: int = 0
    incidents_opened: list[str] = field(default_factory=list)
    # Every incident the payload's firing alerts are on (opened, joined or already there).
    incidents: list[str] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)


def ingest(
    integration: Integration, alerts: list[NormalizedAlert], now: dt.datetime | None = None
) -> IngestResult:
    """Store and act on ``alerts``; retried when a concurrent request raced us to a row.

    Without ``now`` (alerts arriving live) the active silences come from the per-process
    configuration cache (see fixfirst.alerting.routing); with ``now`` they are read for that
    moment.
    """
    for attempt in range(_RETRIES):
        try:
            return _ingest(integration, alerts, now or timezone.now(), live=now is None)
        except IntegrityError:
            # Two requests inserted the same new alert or group at once: the retry sees it.
            if attempt == _RETRIES - 1:
                raise
        except OperationalError as exc:
            if "deadlock" not in str(exc).lower() or attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _load_silences() -> list[Silence]:
    """Silences that have not ended yet (some may not have started): the live cache."""
    return list(Silence.objects.filter(ends_at__gt=timezone.now()))


_silences = ConfigCache(_load_silences)


def _active_silences(now: dt.datetime, live: bool) -> list[Silence]:
    if not live:
        return list(Silence.objects.filter(starts_at__lte=now, ends_at__gt=now))
    return [s for s in _silences.get() if s.starts_at <= now < s.ends_at]


# Alerts are looked up (and locked) in chunks of this many fingerprints.
_LOOKUP_CHUNK = 500
# last_alert_at is written at most this often per integration: every payload writing the
# same integration row would serialise concurrent payloads on that row's lock.
_LAST_ALERT_RESOLUTION = dt.timedelta(seconds=1)


@transaction.atomic
def _ingest(
    integration: Integration, alerts: list[NormalizedAlert], now: dt.datetime, live: bool = False
) -> IngestResult:
    result = IngestResult()
    rules = rules_for(integration)
    silences = _active_silences(now, live)
    routed = []
    for alert in alerts:
        labels = _labels(alert)
        routed.append((alert, labels, route(integration, labels, rules)))
    stored = _stored_alerts(
        integration, {alert.fingerprint for alert, _, decided in routed if not decided.drop}
    )
    changed: set[int] = set()  # incidents this payload changed: re-read before reuse
    for alert, labels, decided in routed:
        _one(integration, alert, labels, decided, stored, silences, now, result, changed)
        result.fingerprints.append(alert.fingerprint)
    _note_last_alert(integration, now, live)
    return result


# (integration pk, key hash) -> when this process last wrote its last_alert_at (live only)
_last_alert_written: dict[tuple[int, str], dt.datetime] = {}


def _note_last_alert(integration: Integration, now: dt.datetime, live: bool) -> None:
    """Integration.last_alert_at, to within _LAST_ALERT_RESOLUTION."""
    key = (integration.pk, integration.key_hash)
    if live and now - _last_alert_written.get(key, dt.datetime.min.replace(tzinfo=dt.UTC)) < (
        _LAST_ALERT_RESOLUTION
    ):
        return
    Integration.objects.filter(
        Q(last_alert_at__isnull=True) | Q(last_alert_at__lte=now - _LAST_ALERT_RESOLUTION),
        pk=integration.pk,
    ).update(last_alert_at=now)
    if live:
        if len(_last_alert_written) > 1000:
            _last_alert_written.clear()
        # Only once it is committed: a rolled-back payload must not suppress the next write.
        transaction.on_commit(lambda: _last_alert_written.__setitem__(key, now))


def _stored_alerts(integration: Integration, fingerprints: set[str]) -> dict[str, Alert]:
    """The stored alerts of this payload, locked, in one query per chunk (in fingerprint
    order, so concurrent payloads take their row locks in the same order)."""
    found: dict[str, Alert] = {}
    ordered = sorted(fingerprints)
    for start in range(0, len(ordered), _LOOKUP_CHUNK):
        found.update(
            (stored.fingerprint, stored)
            for stored in Alert.objects.select_for_update(of=("self",))
            .select_related("incident")
            .filter(integration=integration, fingerprint__in=ordered[start : start + _LOOKUP_CHUNK])
            .order_by("fingerprint")
        )
    return found


def _labels(alert: NormalizedAlert) -> dict[str, str]:
    return {"alertname": alert.name, "severity": alert.severity.value, **alert.labels}


def group_key(integration: Integration, decided: Route, labels: dict[str, str]) -> str:
    if integration.group_by:
        parts = "|".join(f"{name}={labels.get(name, '')}" for name in integration.group_by)
    else:
        parts = f"{decided.service.pk if decided.service else '-'}|{labels.get('alertname', '')}"
    return f"{decided.customer.pk if decided.customer else '-'}|{parts}"[:255]


def _one(
    integration: Integration,
    alert: NormalizedAlert,
    labels: dict[str, str],
    decided: Route,
    stored_alerts: dict[str, Alert],
    silences: list[Silence],
    now: dt.datetime,
    result: IngestResult,
    changed: set[int],
) -> None:
    if decided.drop:
        result.dropped += 1
        return
    result.accepted += 1
    stored = stored_alerts.get(alert.fingerprint)
    if stored is not None and stored.incident_id in changed:
        # An earlier alert of this payload changed the incident: see its current state.
        stored.incident = Incident.objects.get(pk=stored.incident_id)
    if alert.action == AlertAction.TRIGGER:
        stored_alerts[alert.fingerprint] = _trigger(
            integration, alert, stored, decided, labels, silences, now, result, changed
        )
    elif stored is not None and alert.action == AlertAction.RESOLVE:
        _resolve(integration, stored, now, changed)
    elif stored is not None and alert.action == AlertAction.ACKNOWLEDGE:
        _acknowledge(integration, stored, changed)


_ALERT_FIELDS = [(f.name, f.attname) for f in Alert._meta.concrete_fields if not f.primary_key]


def _values(stored: Alert) -> dict[str, object]:
    return {name: getattr(stored, attname) for name, attname in _ALERT_FIELDS}


def _save(stored: Alert, before: dict[str, object] | None) -> None:
    """Insert a new alert; of a stored one write only the columns that changed (a repeated
    alert usually changes only its count and last-seen time, not its labels and raw JSON)."""
    if before is None:
        stored.save()
        return
    fields = [name for name, attname in _ALERT_FIELDS if getattr(stored, attname) != before[name]]
    if fields:
        stored.save(update_fields=fields)


def _note_change(integration: Integration, stored: Alert, now: dt.datetime) -> None:
    window = dt.timedelta(minutes=integration.flap_window_minutes)
    recent = [t for t in stored.changes if dt.datetime.fromisoformat(t) > now - window]
    stored.changes = [*recent, now.isoformat()][-50:]
    stored.flapping = len(stored.changes) >= integration.flap_threshold


def _trigger(
    integration: Integration,
    alert: NormalizedAlert,
    stored: Alert | None,
    decided: Route,
    labels: dict[str, str],
    silences: list[Silence],
    now: dt.datetime,
    result: IngestResult,
    changed: set[int],
) -> Alert:
    """Store the firing alert and open, join or reopen its incident; returns the stored alert."""
    refired = False
    before = None if stored is None else _values(stored)
    if stored is None:
        stored = Alert(integration=integration, fingerprint=alert.fingerprint, first_seen=now)
        stored.changes = [now.isoformat()]
    else:
        refired = stored.status == AlertStatus.RESOLVED
        stored.occurrences += 1
        if refired:
            _note_change(integration, stored, now)
    stored.status = AlertStatus.FIRING if refired or stored.pk is None else stored.status
    stored.resolved_at = None
    stored.last_seen = now
    stored.name, stored.summary, stored.severity = alert.name[:255], alert.summary, alert.severity
    stored.labels, stored.annotations, stored.raw = alert.labels, alert.annotations, alert.raw
    stored.source_url = alert.source_url[:1000]
    stored.customer, stored.service = decided.customer, decided.service
    stored.routing_rule_id = decided.rule_id
    stored.group_key = group_key(integration, decided, labels)
    stored.silenced_by = next(
        (
            s
            for s in silences
            if (
                s.customer_id is None
                or s.customer_id == (decided.customer.pk if decided.customer else None)
            )
            and matches(s.matchers, labels)
        ),
        None,
    )
    _save(stored, before)
    if stored.silenced_by is not None:
        result.silenced += 1
        return stored
    if decided.customer is None:
        result.unrouted += 1  # stored and visible; a routing rule must name the customer
        return stored
    incident = stored.incident
    if incident is not None and incident.status in OPEN_STATUSES:
        _touched(result, incident)
        if refired:
            add_event(
                incident,
                EventKind.ALERT,
                integration,
                stored.name,
                fired_again=True,
                alert=stored.pk,
            )
        return stored
    if incident is not None and refired and stored.flapping:
        return stored  # a flapping alert does not reopen its incident every time it fires
    if incident is not None and refired and incident.status == Status.RESOLVED:
        try:
            incidents.reopen(incident, by=integration, reason=f"Alert {stored.name} fired again.")
            changed.add(incident.pk)
            _touched(result, incident)
            add_event(
                incident,
                EventKind.ALERT,
                integration,
                stored.name,
                fired_again=True,
                alert=stored.pk,
            )
            return stored
        except ValidationError:
            pass  # past the reopen window: the alert opens or joins an incident anew below
    _join_group(integration, stored, decided, now, result)
    return stored


def _join_group(
    integration: Integration, stored: Alert, decided: Route, now: dt.datetime, result: IngestResult
) -> None:
    group = (
        AlertGroup.objects.select_for_update()
        .select_related("incident")
        .filter(group_key=stored.group_key)
        .first()
    )
    window = dt.timedelta(minutes=integration.group_window_minutes)
    if (
        group is not None
        and group.incident.status in OPEN_STATUSES
        and now - group.last_alert_at <= window
    ):
        incident = group.incident
    else:
        priority = decided.priority or integration.priority_for(stored.severity)
        impact, urgency = _IMPACT_URGENCY[priority]
        # PagerDuty-style sources send one text as both name and summary: say it once.
        repeated = not stored.summary or stored.summary == stored.name
        title = stored.name if repeated else f"{stored.name}: {stored.summary}"
        incident = incidents.open_incident(
            by=integration,
            customer=decided.customer,  # type: ignore[arg-type]
            title=title[:200],
            channel=Channel.MONITORING,
            description=_description(stored),
            impact=impact,
            urgency=urgency,
            services=[decided.service] if decided.service else [],
            team=decided.team,
            incident_class=decided.incident_class or None,
            opened_at=now,
        )
        result.incidents_opened.append(incident.reference)
        if group is None:
            group = AlertGroup(group_key=stored.group_key, incident=incident)
        group.incident = incident
    group.last_alert_at = now
    group.save()
    stored.incident = incident
    stored.save(update_fields=["incident"])
    _touched(result, incident)
    add_event(
        incident,
        EventKind.ALERT,
        integration,
        stored.name,
        alert=stored.pk,
        severity=stored.severity,
        labels=stored.labels,
    )


def _touched(result: IngestResult, incident: Incident) -> None:
    if incident.reference not in result.incidents:
        result.incidents.append(incident.reference)


def _description(stored: Alert) -> str:
    lines = [stored.summary] if stored.summary else []
    lines += [
        f"- **{k}**: {v}" for k, v in sorted(stored.annotations.items()) if k not in ("summary",)
    ]
    lines += ["", " ".join(f"`{k}={v}`" for k, v in sorted(stored.labels.items()))]
    if stored.source_url:
        lines += ["", f"[Source]({stored.source_url})"]
    return "\n".join(lines).strip()


def _resolve(integration: Integration, stored: Alert, now: dt.datetime, changed: set[int]) -> None:
    if stored.status == AlertStatus.RESOLVED:
        return  # a re-sent resolve changes nothing
    before = _values(stored)
    stored.status = AlertStatus.RESOLVED
    stored.resolved_at = now
    stored.last_seen = now
    _note_change(integration, stored, now)
    _save(stored, before)
    incident = stored.incident
    if incident is None or incident.status not in OPEN_STATUSES:
        return
    add_event(incident, EventKind.ALERT_CLEARED, integration, stored.name, alert=stored.pk)
    if incident.alerts.exclude(status=AlertStatus.RESOLVED).exists():
        return
    incident = Incident.objects.get(pk=incident.pk)
    changed.add(incident.pk)
    if integration.when_cleared == WhenCleared.RESOLVE:
        names = ", ".join(sorted(set(incident.alerts.values_list("name", flat=True))))
        incidents.resolve(
            incident,
            by=integration,
            resolution=f"All alerts cleared: {names}.",
            code=ResolutionCode.FIXED,
        )
    elif (
        integration.when_cleared == WhenCleared.MONITORING and incident.status != Status.MONITORING
    ):
        incidents.change_status(
            incident, Status.MONITORING, by=integration, note="All alerts cleared."
        )


def _acknowledge(integration: Integration, stored: Alert, changed: set[int]) -> None:
    if stored.status == AlertStatus.FIRING:
        stored.status = AlertStatus.ACKNOWLEDGED
        stored.save(update_fields=["status"])
    incident = stored.incident
    if incident is not None and incident.status == Status.NEW:
        incidents.acknowledge(incident, by=integration)
        changed.add(incident.pk)
