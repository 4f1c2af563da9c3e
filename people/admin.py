from django import forms
from django.contrib import admin

from .models import Department, OrgImport, OutboundEmail, Person
from .selectors import is_below


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "user",
            "employee_number",
            "full_name",
            "job_title",
            "department",
            "manager",
            "time_zone",
            "is_active",
            "left_on",
        ]

    def clean_manager(self):
        manager = self.cleaned_data.get("manager")
        if manager and self.instance.pk:
            if manager.pk == self.instance.pk:
                raise forms.ValidationError("A person cannot be their own manager.")
            if is_below(self.instance.pk, manager_id=manager.pk):
                raise forms.ValidationError(
                    f"{manager.full_name} reports (directly or not) to this person: the chain would loop."
                )
        return manager


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonAdminForm
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


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = ["key", "kind", "recipient", "to", "subject", "body", "attempts", "last_error", "sent_at"]
