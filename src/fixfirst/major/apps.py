from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MajorConfig(AppConfig):
    name = "fixfirst.major"
    label = "major"
    verbose_name = _("Major incidents")

    def ready(self) -> None:
        from fixfirst.incidents import panels
        from fixfirst.major import hooks, panel

        hooks.connect()
        panels.register("major", panel.render, order=10)
