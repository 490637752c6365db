"""No page lost: 1,000 pages while ``fixfirst worker`` is killed with SIGKILL at random moments.

    .venv/bin/python -m bench.oncall_reliability_bench                 # SQLite, 1,000 pages
    .venv/bin/python -m bench.oncall_reliability_bench --db postgres
    .venv/bin/python -m bench.oncall_reliability_bench --pages 200 --kills 10

Target (ARCHITECTURE.md): after restart every page is delivered at least once, none more
than twice. See bench/oncall_harness.py for how the run is built.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench.oncall_harness import crash_run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--spread", type=float, default=30, help="step-2 deadlines over N seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.db == "postgres":
            from fixfirst.devtools.pgserver import TempPostgres

            os.environ["DATABASE_URL"] = stack.enter_context(TempPostgres()).url
        else:
            os.environ.pop("DATABASE_URL", None)
        base = Path(tempfile.mkdtemp(prefix="oncall-crash-", dir="/tmp"))
        stack.callback(shutil.rmtree, base, ignore_errors=True)
        load_before = os.getloadavg()
        outcome = crash_run(
            base, args.pages, args.kills, seed=args.seed, timeout=1200, spread=args.spread
        )
    counts = list(outcome.counts.values())
    result = {
        "database": args.db,
        "pages_requested": args.pages,
        "pages": outcome.pages,
        "page_notifications_with_delivery": outcome.expected,
        "kills": outcome.kills,
        "seconds": round(outcome.seconds, 1),
        "messages_received": sum(counts),
        "missing": len(outcome.missing),
        "delivered_twice": len(outcome.duplicated),
        "delivered_three_times_or_more": len(outcome.excess),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result, indent=2))
    # A page whose timer never fired has no delivery to miss: count the pages themselves too.
    complete = outcome.pages == args.pages and outcome.expected == args.pages
    sys.exit(0 if complete and not outcome.missing and not outcome.excess else 1)


if __name__ == "__main__":
    main()
