from django.urls import path

from fixfirst.incidents import views, views_portal, views_staff

app_name = "incidents"

urlpatterns = [
    path("incidents/", views_staff.queue, name="queue"),
    path("incidents/new/", views_staff.create, name="create"),
    path("incidents/new/customer-fields/", views_staff.create_fields, name="create_fields"),
    path("incidents/priority-preview/", views_staff.priority_preview, name="priority_preview"),
    path("incidents/<int:number>/", views_staff.detail, name="detail"),
    path("incidents/<int:number>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("portal/", views_portal.portal, name="portal"),
    path("portal/new/", views_portal.portal_new, name="portal_new"),
    path("portal/incidents/<int:number>/", views_portal.portal_detail, name="portal_detail"),
    path("r/<str:token>/", views_portal.resolution_link, name="resolution_link"),
]

# One POST endpoint per action: /incidents/1042/de-escalate/ is "incidents:act_de_escalate".
urlpatterns += [
    path(
        f"incidents/<int:number>/{action.replace('_', '-')}/",
        views_staff.act,
        {"action": action},
        name=f"act_{action}",
    )
    for action in views_staff.ACTIONS
]
urlpatterns += [
    path(
        f"portal/incidents/<int:number>/{action}/",
        views_portal.portal_act,
        {"action": action},
        name=f"portal_{action}",
    )
    for action in views_portal.PORTAL_ACTIONS
]
