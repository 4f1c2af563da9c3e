from django.urls import include, path

from . import checkin_views, item_views, plan_views, views

app_name = "devplans"

# The team dashboard and the plan templates have URL modules of their own; their
# names join this namespace (devplans:team, devplans:template_list, ...).
urlpatterns = [
    path("my-plan/", views.my_plan, name="my_plan"),
    path("my-plan/formats/", views.set_preferred_formats, name="set_preferred_formats"),
    path("", include("devplans.dashboard_urls")),
    path("plan-templates/", include("devplans.template_urls")),
    path("", include("devplans.survey_urls")),
    # A person's plans: the panel on their page, starting one, feedback at any time.
    path("people/<int:person_pk>/plan-panel/", plan_views.person_plan_panel, name="person_plan_panel"),
    path("people/<int:person_pk>/plans/new/", plan_views.create_plan, name="create_plan"),
    path("people/<int:person_pk>/plans/from-gaps/", plan_views.create_plan_from_gaps, name="create_plan_from_gaps"),
    path("people/<int:person_pk>/feedback/new/", checkin_views.give_feedback, name="give_feedback"),
    # The plan page and the changes made on it.
    path("plan/<int:pk>/", plan_views.plan, name="plan"),
    path("plan/<int:pk>/edit/", plan_views.edit_plan, name="edit_plan"),
    path("plan/<int:pk>/confirm/", plan_views.confirm_plan, name="confirm_plan"),
    path("plan/<int:pk>/end/", plan_views.end_plan, name="end_plan"),
    path("plan/<int:pk>/goals/add/", plan_views.add_goal, name="add_goal"),
    path("plan/<int:plan_pk>/goals/<int:pk>/change/", plan_views.change_goal, name="change_goal"),
    path("plan/<int:plan_pk>/goals/<int:pk>/remove/", plan_views.remove_goal, name="remove_goal"),
    path("plan/<int:pk>/courses/add/", item_views.add_learning_item, name="add_learning_item"),
    path("plan/<int:plan_pk>/courses/<int:pk>/status/", item_views.set_learning_status, name="set_learning_status"),
    path(
        "plan/<int:plan_pk>/courses/<int:pk>/postpone/",
        item_views.postpone_learning_item,
        name="postpone_learning_item",
    ),
    path("plan/<int:plan_pk>/courses/<int:pk>/observation/", item_views.record_observation, name="record_observation"),
    path("plan/<int:pk>/practice/add/", item_views.add_practice_item, name="add_practice_item"),
    path(
        "plan/<int:plan_pk>/practice/<int:pk>/reflection/",
        item_views.reflect_on_practice,
        name="reflect_on_practice",
    ),
    path(
        "plan/<int:plan_pk>/practice/<int:pk>/feedback/",
        item_views.give_practice_feedback,
        name="give_practice_feedback",
    ),
    # Check-ins.
    path("checkins/<int:pk>/", checkin_views.checkin, name="checkin"),
    path("checkins/<int:pk>/record/", checkin_views.record_checkin, name="record_checkin"),
    path("checkins/<int:pk>/comment/", checkin_views.comment_on_checkin, name="comment_on_checkin"),
    path("checkins/<int:pk>/reschedule/", checkin_views.reschedule_checkin, name="reschedule_checkin"),
]
