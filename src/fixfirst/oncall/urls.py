from django.urls import path

from fixfirst.oncall import (
    views_incident,
    views_links,
    views_me,
    views_policies,
    views_schedules,
)

app_name = "oncall"

urlpatterns = [
    path("oncall/", views_schedules.index, name="index"),
    path("oncall/schedules/new/", views_schedules.schedule_create, name="schedule_create"),
    path("oncall/schedules/<int:pk>/", views_schedules.schedule_detail, name="schedule_detail"),
    path("oncall/schedules/<int:pk>/edit/", views_schedules.schedule_edit, name="schedule_edit"),
    path(
        "oncall/schedules/<int:pk>/delete/", views_schedules.schedule_delete, name="schedule_delete"
    ),
    path(
        "oncall/schedules/<int:pk>/rotate-token/",
        views_schedules.schedule_rotate_token,
        name="schedule_rotate_token",
    ),
    path(
        "oncall/schedules/<int:pk>/layers/new/", views_schedules.layer_create, name="layer_create"
    ),
    path(
        "oncall/schedules/<int:pk>/overrides/new/",
        views_schedules.override_create,
        name="override_create",
    ),
    path("oncall/layers/<int:pk>/edit/", views_schedules.layer_edit, name="layer_edit"),
    path("oncall/layers/<int:pk>/delete/", views_schedules.layer_delete, name="layer_delete"),
    path("oncall/layers/<int:pk>/members/", views_schedules.member_add, name="member_add"),
    path("oncall/members/<int:pk>/remove/", views_schedules.member_remove, name="member_remove"),
    path(
        "oncall/overrides/<int:pk>/delete/", views_schedules.override_delete, name="override_delete"
    ),
    path("oncall/policies/new/", views_policies.policy_create, name="policy_create"),
    path("oncall/policies/<int:pk>/", views_policies.policy_detail, name="policy_detail"),
    path("oncall/policies/<int:pk>/edit/", views_policies.policy_edit, name="policy_edit"),
    path("oncall/policies/<int:pk>/delete/", views_policies.policy_delete, name="policy_delete"),
    path("oncall/policies/<int:pk>/steps/", views_policies.step_add, name="step_add"),
    path("oncall/policies/<int:pk>/attach/", views_policies.policy_attach, name="policy_attach"),
    path("oncall/steps/<int:pk>/delete/", views_policies.step_delete, name="step_delete"),
    path("oncall/me/", views_me.me, name="me"),
    path("oncall/me/methods/", views_me.method_add, name="method_add"),
    path("oncall/me/methods/<int:pk>/verify/", views_me.method_verify, name="method_verify"),
    path("oncall/me/methods/<int:pk>/delete/", views_me.method_delete, name="method_delete"),
    path("oncall/me/rules/", views_me.rule_add, name="rule_add"),
    path("oncall/me/rules/<int:pk>/delete/", views_me.rule_delete, name="rule_delete"),
    path("oncall/me/calendar/rotate/", views_me.feed_rotate, name="feed_rotate"),
    # Secret links: no login (see views_links).
    path(
        "oncall/schedules/<int:pk>/<str:token>.ics", views_links.schedule_ics, name="schedule_ics"
    ),
    path("oncall/people/<int:user_id>/<str:token>.ics", views_links.person_ics, name="person_ics"),
    path("oncall/verify/<str:token>/", views_links.verify_email, name="verify_email"),
    path("ack/<str:token>/", views_links.ack, name="ack"),
    path("incidents/<int:number>/page/", views_incident.page_incident, name="page_incident"),
]
