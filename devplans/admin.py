from django.contrib import admin

from .models import (
    CheckIn,
    Feedback,
    Goal,
    GoalProgress,
    LearningItem,
    Plan,
    PlanEvent,
    PlanRevision,
    PlanTemplate,
    PracticeItem,
    TemplateCourse,
    TemplateGoal,
    TemplatePractice,
)

# --- plan templates ------------------------------------------------------------------------------
# Templates are edited in the app (plan-templates/), which checks skills against the rubric in force;
# the admin is for support. The plan models get their own block below.


class TemplateGoalInline(admin.TabularInline):
    model = TemplateGoal
    extra = 0
    fields = ["skill_key", "target_level", "outcome", "due_in_weeks", "order"]


class TemplateCourseInline(admin.TabularInline):
    model = TemplateCourse
    extra = 0
    fields = ["course", "skill_key", "due_in_weeks", "order"]
    raw_id_fields = ["course"]


class TemplatePracticeInline(admin.TabularInline):
    model = TemplatePractice
    extra = 0
    fields = ["description", "skill_key", "due_in_weeks", "order"]


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "role_profile", "cadence_weeks", "is_active", "created_by", "updated_at"]
    list_filter = ["is_active", "role_profile"]
    search_fields = ["name", "description", "career_goal"]
    list_select_related = ["role_profile", "created_by"]
    raw_id_fields = ["created_by"]
    inlines = [TemplateGoalInline, TemplateCourseInline, TemplatePracticeInline]


# --- end of plan templates -----------------------------------------------------------------------


# --- plans -----------------------------------------------------------------------------------------
# Plans are changed in the app, through devplans/services (agreement, revisions, the timeline).
# The admin is for support: it shows everything, and the timeline and revisions are read-only.


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ["skill", "start_level", "target_level", "outcome", "due_on", "progress"]
    raw_id_fields = ["skill"]


class LearningItemInline(admin.TabularInline):
    model = LearningItem
    extra = 0
    fk_name = "plan"
    fields = ["course", "goal", "status", "due_on", "completed_on"]
    raw_id_fields = ["course", "goal"]


class PracticeItemInline(admin.TabularInline):
    model = PracticeItem
    extra = 0
    fields = ["description", "goal", "status", "due_on"]
    raw_id_fields = ["goal"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is written by the services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevisionInline(admin.TabularInline):
    model = PlanRevision
    extra = 0
    fields = ["number", "created_at", "manager_confirmed_at", "employee_confirmed_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["person", "status", "revision", "agreed_revision", "cadence_weeks", "created_at", "ended_at"]
    list_filter = ["status", "cadence_weeks"]
    search_fields = ["person__full_name", "person__employee_number", "career_goal"]
    list_select_related = ["person"]
    raw_id_fields = ["person", "source_assessment", "created_by", "template", "target_role"]
    readonly_fields = ["revision", "agreed_revision", "agreed_at", "version", "created_at", "updated_at"]
    inlines = [GoalInline, LearningItemInline, PracticeItemInline, RevisionInline]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["skill", "plan", "target_level", "due_on", "progress"]
    list_filter = ["progress"]
    search_fields = ["plan__person__full_name", "skill__name", "outcome"]
    list_select_related = ["skill", "plan__person"]
    raw_id_fields = ["plan", "skill", "source_result"]


@admin.register(LearningItem)
class LearningItemAdmin(admin.ModelAdmin):
    list_display = ["course", "plan", "status", "due_on", "completed_on", "observed_at"]
    list_filter = ["status"]
    search_fields = ["plan__person__full_name", "course__title"]
    list_select_related = ["course", "plan__person"]
    raw_id_fields = ["plan", "goal", "course", "replaces"]


@admin.register(PracticeItem)
class PracticeItemAdmin(admin.ModelAdmin):
    list_display = ["description", "plan", "status", "due_on", "reflected_at", "feedback_at"]
    list_filter = ["status"]
    search_fields = ["plan__person__full_name", "description"]
    list_select_related = ["plan__person"]
    raw_id_fields = ["plan", "goal"]


class GoalProgressInline(admin.TabularInline):
    model = GoalProgress
    extra = 0
    raw_id_fields = ["goal"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["plan", "scheduled_for", "status", "held_on", "recorded_by"]
    list_filter = ["status"]
    search_fields = ["plan__person__full_name", "manager_feedback", "employee_comment"]
    list_select_related = ["plan__person", "recorded_by"]
    raw_id_fields = ["plan", "recorded_by"]
    date_hierarchy = "scheduled_for"
    inlines = [GoalProgressInline]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["person", "skill", "given_by", "created_at"]
    search_fields = ["person__full_name", "text"]
    list_filter = ["skill__key"]
    list_select_related = ["person", "skill", "given_by"]
    raw_id_fields = ["person", "plan", "checkin", "skill", "behaviour", "given_by"]


@admin.register(PlanEvent)
class PlanEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "plan", "kind", "actor", "summary"]
    list_filter = ["kind"]
    search_fields = ["plan__person__full_name", "summary"]
    list_select_related = ["plan__person", "actor"]
    date_hierarchy = "at"


@admin.register(PlanRevision)
class PlanRevisionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "created_at", "manager_confirmed_at", "employee_confirmed_at"]
    search_fields = ["plan__person__full_name"]
    list_select_related = ["plan__person"]


# --- follow-up surveys and observation requests -----------------------------------------------------------------------
# Sent and answered through signed links (devplans/services/surveys.py). The admin shows them for support: a survey's
# dates can be read here, and its answers are read-only history. The link itself is never shown.
from .models import FollowUpSurvey, ObservationRequest, SurveyAnswer  # noqa: E402


class SurveyAnswerInline(admin.TabularInline):
    model = SurveyAnswer
    extra = 0
    fields = ["goal", "level_before", "level_now", "target_level", "outcome", "impact", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FollowUpSurvey)
class FollowUpSurveyAdmin(ReadOnlyAdmin):
    list_display = ["plan", "role", "respondent", "created_at", "expires_at", "answered_at"]
    list_filter = ["role", ("answered_at", admin.EmptyFieldListFilter)]
    search_fields = ["plan__person__full_name", "respondent__email"]
    list_select_related = ["plan__person", "respondent"]
    exclude = ["nonce"]
    date_hierarchy = "created_at"
    inlines = [SurveyAnswerInline]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(ReadOnlyAdmin):
    list_display = ["goal", "survey", "level_before", "level_now", "target_level", "outcome", "impact"]
    list_filter = ["outcome", "impact", "survey__role"]
    search_fields = ["survey__plan__person__full_name", "goal__skill__name", "comment"]
    list_select_related = ["goal__skill", "survey__plan__person"]


@admin.register(ObservationRequest)
class ObservationRequestAdmin(ReadOnlyAdmin):
    list_display = ["learning_item", "respondent", "created_at", "expires_at", "answered_at"]
    list_filter = [("answered_at", admin.EmptyFieldListFilter)]
    search_fields = ["learning_item__plan__person__full_name", "learning_item__course__title", "respondent__email"]
    list_select_related = ["learning_item__course", "respondent"]
    exclude = ["nonce"]
    date_hierarchy = "created_at"


# --- end of follow-up surveys and observation requests ----------------------------------------------------------------
