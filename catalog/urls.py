from django.urls import path

from . import request_urls, transfer_urls, views

app_name = "catalog"

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("new/", views.course_edit, name="course_add"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/active/", views.course_set_active, name="course_set_active"),
    path("<int:pk>/duplicate/", views.course_duplicate, name="course_duplicate"),
    *transfer_urls.urlpatterns,
    *request_urls.urlpatterns,
]
