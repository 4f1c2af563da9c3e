"""The signed-link pages (follow-up survey, observation request); included from devplans/urls.py."""

from django.urls import path

from . import survey_views

urlpatterns = [
    path("surveys/<str:token>/", survey_views.survey, name="survey"),
    path("observations/<str:token>/", survey_views.observation, name="observation"),
]
