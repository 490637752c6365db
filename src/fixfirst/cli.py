"""The ``fixfirst`` command: FixFirst's own commands plus every Django management command.

fixfirst up [--port 8000]          migrate, demo data on first start, web + worker
fixfirst worker [db_worker args]   run background tasks
fixfirst demo                      load (or refresh) the demo data
fixfirst token create USER [--scope read|write|admin]
fixfirst migrate / createsuperuser / ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fixfirst.settings")
    from django.core.management import execute_from_command_line

    # `fixfirst worker` works on every queue unless told otherwise, and never auto-reloads.
    if len(argv) > 1 and argv[1] == "worker":
        rest = argv[2:]
        if not any(a.startswith("--queue-name") for a in rest):
            rest = ["--queue-name", "*", *rest]
        if not any(a.startswith("--reload") or a == "--no-reload" for a in rest):
            rest = ["--no-reload", *rest]
        argv = [argv[0], "worker", *rest]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
