"""Staff pages of alerting under /alerting/ (the endpoints tools post to are in urls.py)."""

from django.urls import path

from fixfirst.alerting import views, views_integrations

app_name = "alerting_pages"

urlpatterns = [
    path("alerting/", views.index, name="index"),
    path("alerting/alerts/", views.alert_list, name="alert_list"),
    path("alerting/integrations/", views_integrations.integration_list, name="integration_list"),
    path(
        "alerting/integrations/new/",
        views_integrations.integration_create,
        name="integration_create",
    ),
    path(
        "alerting/integrations/<int:pk>/",
        views_integrations.integration_detail,
        name="integration_detail",
    ),
    path(
        "alerting/integrations/<int:pk>/edit/",
        views_integrations.integration_edit,
        name="integration_edit",
    ),
    path(
        "alerting/integrations/<int:pk>/rotate-key/",
        views_integrations.integration_rotate,
        name="integration_rotate",
    ),
    path(
        "alerting/zabbix/media_type.js",
        views_integrations.zabbix_script,
        name="zabbix_script",
    ),
    path("alerting/rules/", views.rule_list, name="rule_list"),
    path("alerting/rules/new/", views.rule_create, name="rule_create"),
    path("alerting/rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("alerting/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("alerting/silences/", views.silence_list, name="silence_list"),
    path("alerting/silences/new/", views.silence_create, name="silence_create"),
    path("alerting/silences/<int:pk>/expire/", views.silence_expire, name="silence_expire"),
]
