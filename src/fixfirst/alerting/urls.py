from django.urls import path

from fixfirst.alerting import endpoints

app_name = "alerting"

urlpatterns = [
    path("integrations/<str:kind>/<str:key>/", endpoints.receive, name="receive"),
    path("v2/enqueue", endpoints.pd_enqueue, name="pd_enqueue"),
    path("v2/change/enqueue", endpoints.pd_change_enqueue, name="pd_change_enqueue"),
]
