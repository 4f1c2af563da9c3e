from django.contrib import admin

from .models import Department, OrgImport, Person


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "employee_number", "job_title", "department", "manager", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["full_name", "employee_number", "user__email", "job_title"]
    list_select_related = ["department", "manager"]
    raw_id_fields = ["user", "manager"]


@admin.register(OrgImport)
class OrgImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "uploaded_by", "uploaded_at", "status", "created_count", "updated_count"]
    list_filter = ["status"]
    search_fields = ["file_name", "uploaded_by__email"]
    list_select_related = ["uploaded_by"]
    exclude = ["content"]
    readonly_fields = [
        "uploaded_by",
        "file_name",
        "status",
        "row_count",
        "errors",
        "created_count",
        "updated_count",
        "unchanged_count",
        "finished_at",
    ]
