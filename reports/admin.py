from django.contrib import admin

from .models import ExportJob, ExportLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: shown, never added, changed or deleted from the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user_label", "kind", "key", "file_format", "filters_text", "row_count", "background"]
    list_filter = ["kind", "file_format", "background", "created_at"]
    search_fields = ["user_label", "key", "filters_text"]
    date_hierarchy = "created_at"


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "title", "file_format", "status", "rows_done", "rows_total", "finished_at"]
    list_filter = ["status", "kind", "file_format"]
    search_fields = ["user__email", "key", "title"]
    list_select_related = ["user"]
