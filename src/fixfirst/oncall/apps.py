from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OncallConfig(AppConfig):
    name = "fixfirst.oncall"
    label = "oncall"
    verbose_name = _("On-call and paging")

    def ready(self) -> None:
        from fixfirst.incidents import panels
        from fixfirst.oncall import hooks, panel

        hooks.connect()
        panels.register("oncall", panel.render, order=30)
