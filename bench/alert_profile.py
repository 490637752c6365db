"""Profile Alertmanager ingest in one process (cProfile), without HTTP or other requests.

    FIXFIRST_DATA_DIR=/tmp/some-kept-bench-dir DJANGO_SETTINGS_MODULE=bench.alert_settings \\
        .venv/bin/python -m bench.alert_profile --batch 1 --requests 2000 [--sort tottime]

Uses a data directory prepared by ``bench.alert_ingest_bench --keep`` (its integration key
and routing rules), posts the same payloads through Django's test Client (full middleware
and view, no socket), prints requests/s, SQL queries per request and the top of the profile.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.alert_settings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--queries", action="store_true", help="print one request's SQL")
    parser.add_argument("--no-profile", action="store_true", help="time only (CPU and wall)")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.alert_ingest_bench import INTEGRATION_KEY, LoadPayloads

    client = Client()
    path = f"/integrations/alertmanager/{INTEGRATION_KEY}/"
    bodies = LoadPayloads(args.batch, seed=1234)
    for _ in range(50):  # warm: every group exists
        client.post(path, bodies(), content_type="application/json")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(path, bodies(), content_type="application/json")
    print(f"status {response.status_code}; {len(ctx.captured_queries)} SQL queries per request")
    if args.queries:
        for q in ctx.captured_queries:
            print("  ", q["sql"][:300])
    reset_queries()
    payloads = [bodies() for _ in range(args.requests)]
    profile = cProfile.Profile()
    t0, cpu0 = time.perf_counter(), time.process_time()
    if not args.no_profile:
        profile.enable()
    for body in payloads:
        client.post(path, body, content_type="application/json")
    profile.disable()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(
        f"{args.requests} requests of {args.batch} alerts"
        f"{'' if args.no_profile else ' under cProfile'}: {elapsed / args.requests * 1000:.2f} ms"
        f" wall and {cpu / args.requests * 1000:.2f} ms CPU per request (this process; the"
        f" database server's CPU not included), {args.requests * args.batch / cpu:.0f} alerts"
        " per CPU-second"
    )
    if not args.no_profile:
        pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
