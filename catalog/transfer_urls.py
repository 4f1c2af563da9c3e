"""Catalog import and export (CSV, XLSX): included by catalog/urls.py."""

from django.urls import path

from . import transfer_views

urlpatterns = [
    path("import/", transfer_views.course_import, name="course_import"),
    path("import/<int:pk>/", transfer_views.course_import_detail, name="course_import_detail"),
    path("export/", transfer_views.course_export, name="course_export"),
]
