from django.urls import path

from fixfirst.major import views

app_name = "major"

urlpatterns = [
    path("major-incidents/", views.major_list, name="list"),
    path("incidents/<int:number>/war-room/", views.war_room, name="war_room"),
    path("incidents/<int:number>/war-room/live/", views.live, name="live"),
    path("incidents/<int:number>/war-room/declare/", views.declare, name="declare"),
    path("incidents/<int:number>/war-room/roles/", views.assign, name="assign"),
    path("incidents/<int:number>/war-room/roles/<int:pk>/remove/", views.unassign, name="unassign"),
    path("incidents/<int:number>/war-room/tasks/", views.task_add, name="task_add"),
    path(
        "incidents/<int:number>/war-room/tasks/<int:pk>/toggle/",
        views.task_toggle,
        name="task_toggle",
    ),
    path("incidents/<int:number>/war-room/notes/", views.note, name="note"),
    path("incidents/<int:number>/war-room/stand-down/", views.stand_down, name="stand_down"),
]
