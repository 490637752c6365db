from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusPageConfig(AppConfig):
    name = "fixfirst.statuspage"
    label = "statuspage"
    verbose_name = _("Status pages")
