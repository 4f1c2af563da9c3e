from django.contrib import admin

from .models import Course, CourseImport, CourseSkill, LearningRequest, RequestMessage


class CourseSkillInline(admin.TabularInline):
    model = CourseSkill
    extra = 0
    raw_id_fields = ["skill"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "format", "duration_minutes", "cost", "currency", "is_active"]
    list_filter = ["format", "is_active", "is_self_paced"]
    search_fields = ["title", "code", "provider", "description"]
    inlines = [CourseSkillInline]


@admin.register(CourseImport)
class CourseImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "file_format", "uploaded_by", "uploaded_at", "status", "created_count"]
    list_filter = ["status", "file_format"]
    search_fields = ["file_name", "uploaded_by__email"]
    list_select_related = ["uploaded_by"]
    exclude = ["content"]
    readonly_fields = [
        "uploaded_by",
        "file_name",
        "file_format",
        "status",
        "row_count",
        "errors",
        "created_count",
        "updated_count",
        "unchanged_count",
        "finished_at",
    ]


class RequestMessageInline(admin.TabularInline):
    model = RequestMessage
    extra = 0
    raw_id_fields = ["author"]


@admin.register(LearningRequest)
class LearningRequestAdmin(admin.ModelAdmin):
    list_display = ["person", "requested_by", "skill", "status", "handled_by", "updated_at"]
    list_filter = ["status"]
    search_fields = ["person__full_name", "requested_by__email", "note"]
    list_select_related = ["person", "requested_by", "skill", "handled_by"]
    raw_id_fields = ["person", "requested_by", "handled_by", "skill"]
    filter_horizontal = ["suggested_courses"]
    inlines = [RequestMessageInline]
