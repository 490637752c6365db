from typing import Any

from django.core.management.base import BaseCommand

from fixfirst import demo


class Command(BaseCommand):
    help = "Load the demo MSP (idempotent: running it again changes nothing already there)."

    def handle(self, *args: Any, **options: Any) -> None:
        demo.load()
        self.stdout.write(demo.logins_text())
