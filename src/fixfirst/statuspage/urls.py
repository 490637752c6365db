from django.urls import path, re_path

from fixfirst.statuspage import views, views_staff

app_name = "statuspage"

urlpatterns = [
    path("status/<slug:slug>/", views.home, name="home"),
    path("status/<slug:slug>/history/", views.history, name="history"),
    path("status/<slug:slug>/incidents/<str:public_id>/", views.incident, name="incident"),
    path("status/<slug:slug>/maintenance/<str:public_id>/", views.maintenance, name="maintenance"),
    re_path(
        r"^status/(?P<slug>[-\w]+)/api/v2/(?P<name>[a-z/-]+)\.json$", views.api, name="api"
    ),
    path("status/<slug:slug>/history.atom", views.feed, {"kind": "atom"}, name="atom"),
    path("status/<slug:slug>/history.rss", views.feed, {"kind": "rss"}, name="rss"),
    path("status/<slug:slug>/embed.js", views.embed, name="embed"),
    path("status/<slug:slug>/badge.svg", views.badge, name="badge"),
    path("status/<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
    path(
        "status/<slug:slug>/subscriptions/confirm/<str:token>/", views.confirm, name="confirm"
    ),
    path(
        "status/<slug:slug>/subscriptions/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
    # Staff: managing pages.
    path("statuspages/", views_staff.page_list, name="staff_list"),
    path("statuspages/new/", views_staff.page_create, name="page_create"),
    path("statuspages/<int:pk>/", views_staff.page_detail, name="page_detail"),
    path("statuspages/<int:pk>/edit/", views_staff.page_edit, name="page_edit"),
    path("statuspages/<int:pk>/components/new/", views_staff.component_create, name="component_create"),
    path("statuspages/<int:pk>/groups/new/", views_staff.group_create, name="group_create"),
    path("statuspages/<int:pk>/incidents/new/", views_staff.incident_create, name="incident_create"),
    path("statuspages/<int:pk>/maintenance/new/", views_staff.maintenance_create, name="maintenance_create"),
    path("statuspages/<int:pk>/subscribers/", views_staff.subscriber_list, name="subscriber_list"),
    path("statuspages/components/<int:pk>/edit/", views_staff.component_edit, name="component_edit"),
    path("statuspages/components/<int:pk>/override/", views_staff.component_override, name="component_override"),
    path("statuspages/components/<int:pk>/delete/", views_staff.component_delete, name="component_delete"),
    path("statuspages/groups/<int:pk>/edit/", views_staff.group_edit, name="group_edit"),
    path("statuspages/groups/<int:pk>/delete/", views_staff.group_delete, name="group_delete"),
    path("statuspages/incidents/<int:pk>/update/", views_staff.incident_update, name="incident_update"),
    path("statuspages/maintenance/<int:pk>/advance/", views_staff.maintenance_advance, name="maintenance_advance"),
    path("statuspages/subscribers/<int:pk>/delete/", views_staff.subscriber_delete, name="subscriber_delete"),
]  # fmt: skip
