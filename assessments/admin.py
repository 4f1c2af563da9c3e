from django.contrib import admin

from .models import (
    Assessment,
    Behaviour,
    PersonRole,
    Rating,
    RoleProfile,
    RubricVersion,
    Skill,
    SkillResult,
    TargetLevel,
)


class SkillInline(admin.TabularInline):
    model = Skill
    fields = ["order", "name", "key", "category"]
    extra = 0
    show_change_link = True


@admin.register(RubricVersion)
class RubricVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "published_at", "published_by"]
    list_filter = ["status"]
    search_fields = ["notes"]
    list_select_related = ["published_by"]
    inlines = [SkillInline]


class BehaviourInline(admin.TabularInline):
    model = Behaviour
    extra = 0


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "category", "rubric_version", "order"]
    list_filter = ["rubric_version", "category"]
    search_fields = ["name", "key", "description"]
    list_select_related = ["rubric_version"]
    inlines = [BehaviourInline]


@admin.register(Behaviour)
class BehaviourAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "skill"]
    list_filter = ["kind", "skill__rubric_version"]
    search_fields = ["text"]
    list_select_related = ["skill"]


class TargetLevelInline(admin.TabularInline):
    model = TargetLevel
    extra = 0


@admin.register(RoleProfile)
class RoleProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "next_profile"]
    search_fields = ["name", "key"]
    list_select_related = ["next_profile"]
    inlines = [TargetLevelInline]


@admin.register(TargetLevel)
class TargetLevelAdmin(admin.ModelAdmin):
    list_display = ["role_profile", "skill_key", "level"]
    list_filter = ["role_profile", "level"]
    search_fields = ["skill_key"]
    list_select_related = ["role_profile"]


@admin.register(PersonRole)
class PersonRoleAdmin(admin.ModelAdmin):
    list_display = ["person", "current_profile", "target_profile"]
    list_filter = ["current_profile", "target_profile"]
    search_fields = ["person__full_name", "person__employee_number"]
    list_select_related = ["person", "current_profile", "target_profile"]
    raw_id_fields = ["person"]


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    raw_id_fields = ["behaviour"]


class SkillResultInline(admin.TabularInline):
    model = SkillResult
    extra = 0
    raw_id_fields = ["skill"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "status", "assessor", "rubric_version", "submitted_at"]
    list_filter = ["kind", "status", "rubric_version"]
    search_fields = ["person__full_name", "assessor__email"]
    list_select_related = ["person", "assessor", "rubric_version"]
    raw_id_fields = ["person", "assessor"]
    inlines = [SkillResultInline, RatingInline]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["assessment", "behaviour", "frequency"]
    list_filter = ["frequency"]
    search_fields = ["behaviour__text", "assessment__person__full_name"]
    list_select_related = ["assessment__person", "behaviour"]
    raw_id_fields = ["assessment", "behaviour"]


@admin.register(SkillResult)
class SkillResultAdmin(admin.ModelAdmin):
    list_display = ["assessment", "skill", "level", "target", "gap", "priority"]
    list_filter = ["gap", "impact"]
    search_fields = ["skill__name", "assessment__person__full_name"]
    list_select_related = ["assessment__person", "skill"]
    raw_id_fields = ["assessment", "skill"]
