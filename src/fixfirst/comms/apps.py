from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "fixfirst.comms"
    label = "comms"
    verbose_name = _("Communication")

    def ready(self) -> None:
        from django.template.loader import render_to_string

        from fixfirst.incidents import panels

        panels.register(
            "comms",
            lambda request, incident: render_to_string(
                "comms/_composer_entry.html", {"incident": incident}, request=request
            ),
            order=20,
        )
