from django.urls import path

from . import assessing_views, demand_views, views

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
    path("people/<int:pk>/assess/", assessing_views.start, name="start_assessment"),
    path("people/<int:pk>/gaps/", assessing_views.gaps, name="gaps"),
    path("people/<int:pk>/role/", assessing_views.set_role, name="set_role"),
    path("my-plan/self-assessment/", assessing_views.start_self, name="start_self_assessment"),
    path("assessments/<int:pk>/", assessing_views.assessment, name="assessment"),
    path("assessments/<int:pk>/skills/<int:skill_pk>/", assessing_views.save_skill, name="save_skill"),
    path("assessments/<int:pk>/submit/", assessing_views.submit, name="submit_assessment"),
    path("demand/", demand_views.demand, name="demand"),
    path("career-paths/", views.career_paths, name="career_paths"),
    path("career-paths/<slug:key>/", views.career_path, name="career_path"),
]
