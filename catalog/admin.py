from django.contrib import admin

from .models import Course


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "format", "duration_minutes", "cost", "currency", "is_active"]
    list_filter = ["format", "is_active", "is_self_paced"]
    search_fields = ["title", "code", "provider", "description"]
