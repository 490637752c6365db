"""``fixfirst statuspage export <slug> <dir>``: write a page as static files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fixfirst.statuspage.export import export
from fixfirst.statuspage.models import StatusPage


class Command(BaseCommand):
    help = "Status-page tools. export SLUG DIR: write the page as static files into DIR."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exporting = sub.add_parser("export", help="Write a status page as static files.")
        exporting.add_argument("slug")
        exporting.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        page = StatusPage.objects.filter(slug=options["slug"]).first()
        if page is None:
            raise CommandError(f"No status page {options['slug']!r}.")
        written = export(page, Path(options["directory"]))
        if not page.is_public:
            self.stderr.write(f"Note: {page.name} is login-only; the export has no login.")
        self.stdout.write(f"Wrote {len(written)} files to {options['directory']}")
