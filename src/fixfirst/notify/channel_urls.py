from django.urls import path

from fixfirst.notify import channel_views

app_name = "notify"

urlpatterns = [
    path("channels/", channel_views.channel_list, name="channel_list"),
    path("channels/new/", channel_views.channel_edit, name="channel_create"),
    path("channels/<int:pk>/", channel_views.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/test/", channel_views.channel_test, name="channel_test"),
    path("channels/<int:pk>/delete/", channel_views.channel_delete, name="channel_delete"),
]
