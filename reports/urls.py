from django.urls import include, path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    # Dashboards (HR, L&D, a manager's chain) and rater calibration.
    path("", include("reports.dashboard_urls")),
    # Exports, the export log and data-subject requests.
    path("", include("reports.export_urls")),
    # The audit trail: one person's history (HR).
    path("", include("reports.audit_urls")),
]
