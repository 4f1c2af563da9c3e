"""Manager -> L&D requests: included by catalog/urls.py."""

from django.urls import path

from . import request_views

urlpatterns = [
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/new/<int:person_pk>/", request_views.request_new, name="request_new"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/take/", request_views.request_take, name="request_take"),
    path("requests/<int:pk>/answer/", request_views.request_answer, name="request_answer"),
    path("requests/<int:pk>/reply/", request_views.request_reply, name="request_reply"),
    path("requests/<int:pk>/close/", request_views.request_close, name="request_close"),
]
