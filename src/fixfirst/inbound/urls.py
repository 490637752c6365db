from django.urls import path

from fixfirst.inbound import views

app_name = "inbound"
urlpatterns = [
    path("inbound/", views.message_list, name="list"),
    path("inbound/<int:pk>.eml", views.message_raw, name="raw"),
]
