from django.urls import path

from fixfirst.comms import views, views_composer

app_name = "comms"

urlpatterns = [
    path("communication-plan/", views.provider_plan, name="provider_plan"),
    path("communication-plan.pdf", views.provider_plan_pdf, name="provider_plan_pdf"),
    path("communication-plan/<slug:customer>/", views.customer_plan, name="customer_plan"),
    path(
        "communication-plan/<slug:customer>.pdf",
        views.customer_plan_pdf,
        name="customer_plan_pdf",
    ),
    path("communication-plans/new/", views.plan_create, name="plan_create"),
    path("communication-plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("communication-plans/<int:pk>/<slug:section>/new/", views.item_new, name="item_new"),
    path(
        "communication-plans/<int:pk>/<slug:section>/<int:item>/",
        views.item_edit,
        name="item_edit",
    ),
    path(
        "communication-plans/<int:pk>/<slug:section>/<int:item>/delete/",
        views.item_delete,
        name="item_delete",
    ),
    path("incidents/<int:number>/compose/", views_composer.composer, name="composer"),
    path("incidents/<int:number>/criteria/", views_composer.criteria, name="criteria"),
]
