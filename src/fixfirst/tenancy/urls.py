from django.urls import path

from fixfirst.tenancy import views

app_name = "tenancy"

urlpatterns = [
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:customer_pk>/contacts/new/", views.contact_create, name="contact_create"),
    path(
        "customers/<int:customer_pk>/contracts/new/", views.contract_create, name="contract_create"
    ),
    path(
        "customers/<int:customer_pk>/invite/",
        views.customer_user_invite,
        name="customer_user_invite",
    ),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("people/", views.user_list, name="user_list"),
    path("people/invite/", views.user_invite, name="user_invite"),
    path("people/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("account/tokens/", views.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
