from django.contrib import admin

from .models import SubmittedForm


@admin.register(SubmittedForm)
class SubmittedFormAdmin(admin.ModelAdmin):
    """Read only: which forms were posted with which one-time token (skillbridge/submit_once.py)."""

    list_display = ["token", "user", "created_at", "status", "location"]
    list_filter = ["status"]
    search_fields = ["token", "user__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
