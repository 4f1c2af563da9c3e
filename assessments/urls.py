from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("rubric/", views.rubric, name="rubric"),
    path("rubric/quick-reference/", views.quick_reference, name="quick_reference"),
    path("rubric/manage/", views.manage_rubric, name="manage_rubric"),
    path("rubric/manage/draft/", views.start_draft, name="start_draft"),
    path("rubric/manage/publish/", views.publish_draft, name="publish_draft"),
    path("rubric/manage/discard/", views.discard_draft, name="discard_draft"),
    path("rubric/manage/skills/new/", views.edit_skill, name="add_skill"),
    path("rubric/manage/skills/<int:pk>/", views.edit_skill, name="edit_skill"),
    path("rubric/manage/skills/<int:pk>/delete/", views.delete_skill, name="delete_skill"),
    path("career-paths/", views.career_paths, name="career_paths"),
    path("career-paths/<slug:key>/", views.career_path, name="career_path"),
]
