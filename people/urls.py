from django.urls import path

from . import outbox_views, views

app_name = "people"

urlpatterns = [
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("org-chart/import/", views.org_import, name="org_import"),
    path("org-chart/import/<int:pk>/", views.org_import_detail, name="org_import_detail"),
    path("outbox/", outbox_views.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", outbox_views.outbox_retry, name="outbox_retry"),
]
