from django.urls import path

from . import export_views, privacy_views

urlpatterns = [
    path("exports/", export_views.exports, name="exports"),
    path("exports/data/<slug:key>/<str:fmt>/", export_views.dataset_export, name="dataset_export"),
    path("exports/report/<slug:key>/<str:fmt>/", export_views.report_export, name="report_export"),
    path(
        "exports/background/<slug:kind>/<slug:key>/<str:fmt>/",
        export_views.export_job_start,
        name="export_job_start",
    ),
    path("exports/jobs/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/jobs/<int:pk>/download/", export_views.export_job_download, name="export_job_download"),
    path("exports/log/", export_views.export_log, name="export_log"),
    # Data-subject requests (HR): everything held about one person, and anonymising a leaver.
    path("people/<int:pk>/data/", privacy_views.person_data, name="person_data"),
    path("people/<int:pk>/data/<str:fmt>/", privacy_views.person_data_download, name="person_data_download"),
    path("people/<int:pk>/anonymise/", privacy_views.anonymise, name="person_anonymise"),
]
