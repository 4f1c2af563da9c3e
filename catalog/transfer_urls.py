"""Catalog import and export (CSV, XLSX): included by catalog/urls.py."""

urlpatterns = []
