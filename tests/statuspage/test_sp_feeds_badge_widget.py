"""Feeds, badge and widget: well-formed, cache-friendly, usable from other origins."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.test import Client

from fixfirst.statuspage import services

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feeds_list_incidents_newest_first(sp, p1_on_mail):
    services.publish_incident_update(
        incident=p1_on_mail, body="Mail is down.", status="investigating", by=sp.w.manager
    )
    services.post_page_update(
        page=sp.page,
        by=sp.w.manager,
        body="ERP slow.",
        status="investigating",
        name="ERP slow",
        components=[sp.erp],
    )
    atom = Client().get("/status/acme/history.atom")
    assert atom["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(atom.content).findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["ERP slow", "Mail down for everyone"]
    assert "/status/acme/incidents/" in entries[0].find(f"{ATOM}link").get("href")
    rss = Client().get("/status/acme/history.rss")
    assert rss["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(rss.content).findall("./channel/item")
    assert len(items) == 2 and "Mail is down." in items[1].find("description").text


def test_badge_is_svg_in_the_status_colour(sp, p1_on_mail):
    assert b"All Systems Operational" in Client().get("/status/acme/badge.svg").content
    services.refresh_all()
    badge = Client().get("/status/acme/badge.svg")
    assert badge["Content-Type"].startswith("image/svg+xml")
    svg = ET.fromstring(badge.content)
    assert (
        svg.tag.endswith("svg")
        and b"Major System Outage" in badge.content
        and b"#c62828" in badge.content
    )


def test_widget_script_fetches_status_json_and_is_cacheable(sp):
    script = Client().get("/status/acme/embed.js")
    assert script["Content-Type"].startswith("text/javascript")
    assert script["Cache-Control"] == "public, max-age=3600"
    assert script["Access-Control-Allow-Origin"] == "*"
    assert b"api/v2/status.json" in script.content
    assert b"innerHTML" not in script.content  # text only: nothing from the JSON becomes markup


def test_history_pages(sp):
    for n in range(12):
        services.post_page_update(
            page=sp.page, by=sp.w.manager, body="x", status="resolved", name=f"Notice {n}"
        )
    first = Client().get("/status/acme/history/").content.decode()
    second = Client().get("/status/acme/history/?page=2").content.decode()
    assert "Notice 11" in first and "Notice 0" not in first
    assert "Notice 0" in second and "Page 2 of 2" in second
    assert Client().get("/status/acme/history/?page=abc").status_code == 200
