from django.db import models


class PeriodicJob(models.Model):
    """When a periodic job (core.periodic) runs next; claimed by compare-and-set."""

    name = models.CharField(max_length=200, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
