"""No page lost: ``fixfirst worker`` is killed with SIGKILL at random moments while 100 pages
go out to a real SMTP server on loopback; after restarts every page arrives at least once
and none more than twice (counted by Message-ID). The 1,000-page run is
bench/oncall_reliability_bench.py. Runs on a fresh SQLite file, or on a fresh database of the
PostgreSQL server in $DATABASE_URL."""

from __future__ import annotations

import pytest

from bench.oncall_harness import crash_run


@pytest.mark.django_db(transaction=True)  # only for the DATABASE_URL; the run has its own DB
def test_no_page_is_lost_or_sent_thrice_when_the_worker_is_killed(tmp_path):
    outcome = crash_run(tmp_path / "crash", pages=100, kills=8, seed=42, timeout=240)
    assert outcome.pages == 100
    assert outcome.missing == [], f"{len(outcome.missing)} pages never arrived"
    assert outcome.excess == [], f"{len(outcome.excess)} pages arrived three times or more"
    assert sum(outcome.counts.values()) >= 100
