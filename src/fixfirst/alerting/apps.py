from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertingConfig(AppConfig):
    name = "fixfirst.alerting"
    label = "alerting"
    verbose_name = _("Alerting")

    def ready(self) -> None:
        from fixfirst.alerting import panel
        from fixfirst.incidents import panels

        panels.register("alerts", panel.render, order=10, slot="bottom")
