from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("org-chart/import/", views.org_import, name="org_import"),
    path("org-chart/import/<int:pk>/", views.org_import_detail, name="org_import_detail"),
]
