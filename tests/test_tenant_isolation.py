"""Walks EVERY URL pattern and API route as users who must not reach customer Beta's objects.

A route with parameters must be listed in OBJECT_ROUTES (how to point it at one of Beta's
objects) or in NOT_TENANT_DATA (why it holds no customer data). A new route that is in neither
fails ``test_every_route_is_classified``: register it when you add it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fixfirst.alerting.ingest import ingest
from fixfirst.alerting.models import Alert
from fixfirst.alerting.normalized import AlertAction, NormalizedAlert
from fixfirst.alerting.services import create_integration, create_silence, save_rule
from fixfirst.audit.models import AuditEntry
from fixfirst.catalog.services import save_service
from fixfirst.comms.services import create_plan, save_item
from fixfirst.inbound.models import InboundMessage
from fixfirst.incidents.models import BusinessCalendar, SlaPolicy
from fixfirst.incidents.services import open_incident
from fixfirst.incidents.updates import attach_file
from fixfirst.tenancy import services
from tests.conftest import client_for

# route name -> function(world) giving the URL kwargs that point at a Beta object.
OBJECT_ROUTES = {
    "tenancy:customer_detail": lambda w: {"pk": w.beta.pk},
    "tenancy:customer_edit": lambda w: {"pk": w.beta.pk},
    "tenancy:contact_create": lambda w: {"customer_pk": w.beta.pk},
    "tenancy:contract_create": lambda w: {"customer_pk": w.beta.pk},
    "tenancy:customer_user_invite": lambda w: {"customer_pk": w.beta.pk},
    "tenancy:contact_edit": lambda w: {"pk": w.beta_contact.pk},
    "tenancy:contact_delete": lambda w: {"pk": w.beta_contact.pk},
    "tenancy:contract_edit": lambda w: {"pk": w.beta_contract.pk},
    "tenancy:team_edit": lambda w: {"pk": w.team.pk},
    "tenancy:user_edit": lambda w: {"pk": w.ben.pk},
    "tenancy:token_revoke": lambda w: {"pk": w.beta_token.pk},
    "customer-detail": lambda w: {"pk": w.beta.pk},
    "contact-detail": lambda w: {"pk": w.beta_contact.pk},
    "contract-detail": lambda w: {"pk": w.beta_contract.pk},
    "team-detail": lambda w: {"pk": w.team.pk},
    "user-detail": lambda w: {"pk": w.ben.pk},
    "token-detail": lambda w: {"pk": w.beta_token.pk},
    "audit-detail": lambda w: {"pk": w.beta_audit.pk},
    # incident pages: staff page, every action, attachment download, customer portal
    "incidents:detail": lambda w: {"number": w.beta_incident.number},
    "incidents:attachment": lambda w: {
        "number": w.beta_incident.number,
        "pk": w.beta_attachment.pk,
    },
    "incidents:act_acknowledge": lambda w: {"number": w.beta_incident.number},
    "oncall:page_incident": lambda w: {"number": w.beta_incident.number},
    "inbound:raw": lambda w: {"pk": w.beta_inbound.pk},
    "incidents:act_status": lambda w: {"number": w.beta_incident.number},
    "incidents:act_priority": lambda w: {"number": w.beta_incident.number},
    "incidents:act_categorise": lambda w: {"number": w.beta_incident.number},
    "incidents:act_assign": lambda w: {"number": w.beta_incident.number},
    "incidents:act_escalate": lambda w: {"number": w.beta_incident.number},
    "incidents:act_de_escalate": lambda w: {"number": w.beta_incident.number},
    "incidents:act_note": lambda w: {"number": w.beta_incident.number},
    "incidents:act_update": lambda w: {"number": w.beta_incident.number},
    "incidents:act_workaround": lambda w: {"number": w.beta_incident.number},
    "incidents:act_resolve": lambda w: {"number": w.beta_incident.number},
    "incidents:act_reopen": lambda w: {"number": w.beta_incident.number},
    "incidents:act_close": lambda w: {"number": w.beta_incident.number},
    "incidents:act_link": lambda w: {"number": w.beta_incident.number},
    "incidents:act_attach": lambda w: {"number": w.beta_incident.number},
    "incidents:portal_detail": lambda w: {"number": w.beta_incident.number},
    "incidents:portal_comment": lambda w: {"number": w.beta_incident.number},
    "incidents:portal_confirm": lambda w: {"number": w.beta_incident.number},
    "incidents:portal_reopen": lambda w: {"number": w.beta_incident.number},
}

# The REST API's incident routes: the detail and one POST per action.
for _action in (
    "detail", "timeline", "status", "acknowledge", "priority", "assign", "escalate",
    "de-escalate", "notes", "updates", "comments", "workaround", "resolve", "reopen", "confirm",
    "links",
):  # fmt: skip
    OBJECT_ROUTES[f"incident-{_action}"] = lambda w: {"number": w.beta_incident.number}
OBJECT_ROUTES.update(
    {
        "service-detail": lambda w: {"pk": w.beta_service.pk},
        "calendar-detail": lambda w: {"pk": w.calendar.pk},
        "sla-policy-detail": lambda w: {"pk": w.beta_policy.pk},
        "integration-detail": lambda w: {"pk": w.beta_integration.pk},
        "integration-rotate-key": lambda w: {"pk": w.beta_integration.pk},
        "alert-detail": lambda w: {"pk": w.beta_alert.pk},
        "routing-rule-detail": lambda w: {"pk": w.rule.pk},
        "silence-detail": lambda w: {"pk": w.beta_silence.pk},
        "silence-expire": lambda w: {"pk": w.beta_silence.pk},
        # alerting pages
        "alerting_pages:integration_detail": lambda w: {"pk": w.beta_integration.pk},
        "alerting_pages:integration_edit": lambda w: {"pk": w.beta_integration.pk},
        "alerting_pages:integration_rotate": lambda w: {"pk": w.beta_integration.pk},
        "alerting_pages:rule_edit": lambda w: {"pk": w.rule.pk},
        "alerting_pages:rule_delete": lambda w: {"pk": w.rule.pk},
        "alerting_pages:silence_expire": lambda w: {"pk": w.beta_silence.pk},
    }
)

# communication plans and the update composer
OBJECT_ROUTES.update(
    {
        "comms:customer_plan": lambda w: {"customer": w.beta.slug},
        "comms:customer_plan_pdf": lambda w: {"customer": w.beta.slug},
        "comms:plan_edit": lambda w: {"pk": w.beta_plan.pk},
        "comms:item_new": lambda w: {"pk": w.beta_plan.pk, "section": "criteria"},
        "comms:item_edit": lambda w: {
            "pk": w.beta_plan.pk,
            "section": "criteria",
            "item": w.beta_criterion.pk,
        },
        "comms:item_delete": lambda w: {
            "pk": w.beta_plan.pk,
            "section": "criteria",
            "item": w.beta_criterion.pk,
        },
        "comms:composer": lambda w: {"number": w.beta_incident.number},
        "comms:criteria": lambda w: {"number": w.beta_incident.number},
        "communication-plan-detail": lambda w: {"pk": w.beta_plan.pk},
        "communication-plan-effective": lambda w: {"pk": w.beta_plan.pk},
    }
)

# status pages: staff management pages and the management API (public pages: NOT_TENANT_DATA)
OBJECT_ROUTES.update(
    {
        **{
            f"statuspage:{name}": (lambda w: {"pk": w.beta_status_page.pk})
            for name in (
                "page_detail",
                "page_edit",
                "component_create",
                "group_create",
                "incident_create",
                "maintenance_create",
                "subscriber_list",
            )
        },
        "statuspage:component_edit": lambda w: {"pk": w.beta_component.pk},
        "statuspage:component_override": lambda w: {"pk": w.beta_component.pk},
        "statuspage:component_delete": lambda w: {"pk": w.beta_component.pk},
        "statuspage:group_edit": lambda w: {"pk": w.beta_component_group.pk},
        "statuspage:group_delete": lambda w: {"pk": w.beta_component_group.pk},
        "statuspage:incident_update": lambda w: {"pk": w.beta_page_incident.pk},
        "statuspage:maintenance_advance": lambda w: {"pk": w.beta_maintenance.pk},
        "statuspage:subscriber_delete": lambda w: {"pk": w.beta_subscriber.pk},
        **{
            f"status-page-{name}": (lambda w: {"pk": w.beta_status_page.pk})
            for name in ("detail", "components", "incidents", "maintenances", "subscribers")
        },
        "status-component-detail": lambda w: {"pk": w.beta_component.pk},
        "status-component-override": lambda w: {"pk": w.beta_component.pk},
    }
)


# on-call: the provider's own data (staff only), and one's own contact methods and rules
def _oncall(w):
    """On-call objects, made on first use: a schedule and a policy paging for Beta's incident."""
    if not hasattr(w, "oncall"):
        from tests.oncall.world import oncall_objects

        w.oncall = oncall_objects(w)
    return w.oncall


OBJECT_ROUTES.update(
    {
        **{
            f"oncall:{name}": (lambda w: {"pk": _oncall(w).schedule.pk})
            for name in (
                "schedule_detail",
                "schedule_edit",
                "schedule_delete",
                "schedule_rotate_token",
                "layer_create",
                "override_create",
            )
        },
        **{
            f"oncall:{name}": (lambda w: {"pk": _oncall(w).layer.pk})
            for name in ("layer_edit", "layer_delete", "member_add")
        },
        **{
            f"oncall:{name}": (lambda w: {"pk": _oncall(w).policy.pk})
            for name in (
                "policy_detail",
                "policy_edit",
                "policy_delete",
                "step_add",
                "policy_attach",
            )
        },
        "oncall:member_remove": lambda w: {"pk": _oncall(w).member.pk},
        "oncall:override_delete": lambda w: {"pk": _oncall(w).override.pk},
        "oncall:step_delete": lambda w: {"pk": _oncall(w).step.pk},
        "oncall:method_verify": lambda w: {"pk": _oncall(w).method.pk},
        "oncall:method_delete": lambda w: {"pk": _oncall(w).method.pk},
        "oncall:rule_delete": lambda w: {"pk": _oncall(w).rule.pk},
        **{
            f"schedule-{name}": (lambda w: {"pk": _oncall(w).schedule.pk})
            for name in ("detail", "oncall", "shifts", "overrides")
        },
        "escalation-policy-detail": lambda w: {"pk": _oncall(w).policy.pk},
        **{
            f"contact-method-{name}": (lambda w: {"pk": _oncall(w).method.pk})
            for name in ("detail", "send-verification", "verify")
        },
        "notification-rule-detail": lambda w: {"pk": _oncall(w).rule.pk},
    }
)


# major incidents (war room, API) and notify channels
def _major(w):
    """A major incident on Beta's incident with a role, a task and a Beta channel, on first use."""
    if not hasattr(w, "beta_major"):
        from fixfirst.major import services as major_services
        from fixfirst.notify.channel_services import save_channel

        w.beta_channel = save_channel(None, by=w.admin, name="Beta Industries room", kind="email_list",
                                      customer=w.beta, config={"addresses": "it@beta.example"})  # fmt: skip
        w.beta_major = major_services.declare_major(
            w.beta_incident, by=w.admin, reason="Beta Industries down"
        )
        w.beta_task = major_services.add_task(
            w.beta_major, title="Beta Industries task", by=w.admin
        )
    return w.beta_major


OBJECT_ROUTES.update(
    {
        **{
            f"major:{name}": (lambda w: {"number": _major(w).incident.number})
            for name in ("war_room", "live", "declare", "assign", "task_add", "note", "stand_down")
        },
        "major:unassign": lambda w: {"number": _major(w).incident.number, "pk": w.beta_major.roles.first().pk},
        "major:task_toggle": lambda w: {"number": _major(w).incident.number, "pk": w.beta_task.pk},
        **{
            f"major-incident-{name}": (lambda w: {"pk": _major(w).pk})
            for name in ("detail", "roles", "unassign", "tasks", "stand-down")
        },
        "major-incident-task": lambda w: {"pk": _major(w).pk, "task_pk": w.beta_task.pk},
        **{
            f"notify:channel_{name}": (lambda w: {"pk": (_major(w), w.beta_channel)[1].pk})
            for name in ("edit", "test", "delete")
        },
        "channel-detail": lambda w: {"pk": (_major(w), w.beta_channel)[1].pk},
        "channel-test": lambda w: {"pk": (_major(w), w.beta_channel)[1].pk},
    }
)  # fmt: skip

# Routes with parameters that carry no customer's data, and why.
NOT_TENANT_DATA = {
    "account_reset_password_from_key": "allauth: a signed one-time key, not an object id",
    "account_confirm_email": "allauth: a signed key",
    "set_language": "language switch",
    "incidents:resolution_link": "signed one-time link",
    "alerting:receive": "alert intake: authorised by the integration key in the URL, no session",
}
NOT_TENANT_DATA.update(
    {
        f"statuspage:{name}": "public status page (login-only pages checked in tests/statuspage)"
        for name in (
            "home",
            "history",
            "incident",
            "maintenance",
            "api",
            "atom",
            "rss",
            "embed",
            "badge",
            "subscribe",
            "confirm",
            "unsubscribe",
        )
    }
)
NOT_TENANT_DATA.update(
    {
        "oncall:schedule_ics": "on-call calendar feed: authorised by the secret token in the URL",
        "oncall:person_ics": "personal on-call calendar: authorised by the secret token in the URL",
        "oncall:verify_email": "signed, expiring link proving an address (no object id)",
        "oncall:ack": "signed, expiring one-click acknowledge link for one page",
    }
)
NOT_TENANT_PREFIXES = ("django.views.static", "drf_spectacular")

# Teams and people are the provider's own: customers must not reach them either, and the
# restricted engineer (excluded from Beta) may see teams but not Beta's people.
# Catalogue services and business calendars are provider-wide too.
STAFF_VISIBLE_FOR_RESTRICTED = {
    "tenancy:team_edit", "team-detail", "service-detail", "calendar-detail",
    "routing-rule-detail", "alerting_pages:rule_edit", "alerting_pages:rule_delete",
}  # fmt: skip

# On-call schedules and policies are the provider's own: every staff member may read them.
STAFF_VISIBLE_FOR_RESTRICTED |= {
    name for name in OBJECT_ROUTES
    if name.startswith(("oncall:schedule", "oncall:layer", "oncall:member", "oncall:override",
                        "oncall:policy", "oncall:step", "schedule-", "escalation-policy-"))
}  # fmt: skip

OUTSIDERS = ["alice", "amy", "restricted"]
BETA_MARKERS = ["Beta Industries", "bert@beta.example", "Beta Silver", "ben@example.com"]


def _routes():
    """(full name, parameter names) for every named pattern."""
    found: set[tuple[str, tuple[str, ...]]] = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                params = tuple(sorted(p.pattern.regex.groupindex))
                found.add((f"{namespace}{p.name}", params))

    walk(get_resolver().url_patterns, "")
    return sorted(found)


def _beta_status_page(world):
    from fixfirst.statuspage import maintenance, subscriptions
    from fixfirst.statuspage import services as status

    page = status.create_page(by=None, name="Beta Industries status", slug="beta-status",
                              customer=world.beta, visibility="login")  # fmt: skip
    world.beta_status_page = page
    world.beta_component_group = status.save_group(
        None, by=None, page=page, name="Beta Industries core"
    )
    world.beta_component = status.save_component(None, by=None, page=page, name="Beta Industries ERP",
                                                 service=world.beta_service, group=world.beta_component_group)  # fmt: skip
    world.beta_page_incident = status.post_page_update(
        page=page, by=None, body="Beta Industries ERP down", status="investigating", name="Beta Industries ERP down",
        components=[world.beta_component],
    ).page_incident  # fmt: skip
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    world.beta_maintenance = maintenance.create_maintenance(page=page, by=None, name="Beta Industries upgrade", body="x",
                                                       scheduled_for=start, scheduled_until=start + dt.timedelta(hours=1))  # fmt: skip
    world.beta_subscriber = subscriptions.subscribe_webhook(
        page, "https://beta.example/hook", by=world.admin
    )


@pytest.fixture
def beta_world(world):
    _token, _ = services.create_api_token(world.bob, by=world.bob, name="bob's", scope="write")
    world.beta_token = _token
    world.beta_audit = AuditEntry.objects.filter(customer=world.beta).first()
    world.beta_incident = open_incident(
        by=world.bob,
        customer=world.beta,
        title="Beta Industries cannot print",
        channel="portal",
        reporter=world.beta_contact,
    )
    world.beta_service = save_service(None, by=None, name="Hosted ERP", customers=[world.beta])
    world.calendar = BusinessCalendar.objects.create(name="Office", hours=[[0, "08:00", "18:00"]])
    world.beta_policy = SlaPolicy.objects.create(
        contract=world.beta_contract, calendar=world.calendar
    )
    world.beta_integration, _key = create_integration(
        by=None, name="Beta Industries Zabbix", kind="zabbix", customer=world.beta
    )
    ingest(
        world.beta_integration,
        [
            NormalizedAlert(
                fingerprint="b1", action=AlertAction.TRIGGER, name="Beta Industries disk"
            )
        ],
    )
    world.beta_alert = Alert.objects.get(fingerprint="b1")
    world.rule = save_rule(None, by=None, name="catch-all", matchers=[])
    world.beta_silence = create_silence(by=None, customer=world.beta, comment="Beta Industries upgrade",
                                        starts_at=world.beta_alert.first_seen, ends_at=world.beta_alert.first_seen + dt.timedelta(hours=1))  # fmt: skip
    world.beta_plan = create_plan(by=None, customer=world.beta)
    world.beta_criterion = save_item(
        world.beta_plan, "criteria", by=None, text={"en": "Beta Industries' line stops"}
    )
    _beta_status_page(world)
    world.beta_inbound = InboundMessage.objects.create(
        message_id="<beta@example>", sender="bob@beta.example", subject="Beta Industries mail",
        size=10, status="accepted_new", raw=b"Beta Industries", customer=world.beta,
    )  # fmt: skip
    world.beta_attachment = attach_file(
        world.beta_incident,
        by=world.bob,
        upload=SimpleUploadedFile("beta.txt", b"Beta Industries secret", "text/plain"),
    )
    return world


def test_every_route_is_classified():
    unclassified = [
        name
        for name, params in _routes()
        if [p for p in params if p != "format"]
        and name not in OBJECT_ROUTES
        and name not in NOT_TENANT_DATA
    ]
    assert not unclassified, f"Register these routes in {__name__}: {unclassified}"


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_get_403_or_404_on_every_beta_object_route(beta_world, username):
    w = beta_world
    client = client_for(getattr(w, username))
    failures = []
    for name, params in _routes():
        if name not in OBJECT_ROUTES:
            continue
        kwargs = OBJECT_ROUTES[name](w)
        if "format" in params:
            kwargs["format"] = "json"
        if username == "restricted" and name in STAFF_VISIBLE_FOR_RESTRICTED:
            continue
        url = reverse(name, kwargs=kwargs)
        audit_before = AuditEntry.objects.count()
        for method in ("get", "post", "put", "patch", "delete"):
            response = (
                getattr(client, method)(
                    url,
                    data={"name": "pwned"} if method != "get" else None,
                    content_type="application/json" if method != "get" else None,
                )
                if method != "get"
                else client.get(url)
            )
            if response.status_code not in (403, 404, 405):
                failures.append(f"{method.upper()} {url} -> {response.status_code}")
            body = response.content.decode(errors="replace")
            leaked = [m for m in BETA_MARKERS if m in body]
            if leaked:
                failures.append(f"{method.upper()} {url} leaked {leaked}")
        if AuditEntry.objects.count() != audit_before:
            failures.append(f"{url} changed something")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_see_no_beta_data_on_any_list_page_or_api_list(beta_world, username):
    client = client_for(getattr(beta_world, username))
    failures = []
    for name, params in _routes():
        if params and params != ("format",) or name in NOT_TENANT_DATA:
            continue
        if name.startswith(("account_", "api-schema", "api-docs")) or name == "set_language":
            continue
        kwargs = {"format": "json"} if params else {}
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} -> {response.status_code}"
        leaked = [m for m in BETA_MARKERS if m in response.content.decode(errors="replace")]
        if leaked:
            failures.append(f"GET {url} leaked {leaked}")
    assert not failures, "\n".join(failures)


def test_customer_user_sees_own_customer_objects(beta_world):
    client = client_for(beta_world.amy)
    page = client.get(reverse("tenancy:customer_detail", args=[beta_world.alpha.pk]))
    assert page.status_code == 200
    assert "ann@alpha.example" in page.content.decode()
    api = client.get("/api/v1/contacts/")
    assert [c["email"] for c in api.json()["results"]] == ["ann@alpha.example"]


def test_staff_see_every_customer_they_are_not_excluded_from(beta_world):
    def names(user):
        return {c["name"] for c in client_for(user).get("/api/v1/customers/").json()["results"]}  # noqa: E731

    assert names(beta_world.engineer) == {"Alpha Corp", "Beta Industries"}
    assert names(beta_world.restricted) == {"Alpha Corp"}
