"""Catalog import and export pages, for L&D."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from skillbridge.authz import ld_required

from . import exporter, services, transfer_selectors
from .forms import CourseImportForm
from .importer import COLUMNS
from .models import Course

EXPORTS = {"csv": exporter.csv_response, "xlsx": exporter.xlsx_response}


@ld_required
@require_http_methods(["GET", "POST"])
def course_import(request):
    if request.method == "POST":
        form = CourseImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            started = services.start_course_import(
                uploaded_by=request.user, file_name=upload.name, content=upload.read()
            )
            return redirect("catalog:course_import_detail", pk=started.pk)
    else:
        form = CourseImportForm()
    return render(
        request,
        "catalog/course_import.html",
        {
            "form": form,
            "imports": transfer_selectors.recent_course_imports(request.user),
            "columns": COLUMNS,
            "formats": Course.Format.choices,
        },
    )


@ld_required
@require_GET
def course_import_detail(request, pk):
    course_import = get_object_or_404(transfer_selectors.course_import_for(request.user, pk))
    template = "catalog/partials/course_import_status.html" if request.htmx else "catalog/course_import_detail.html"
    return render(request, template, {"course_import": course_import})


@ld_required
@require_GET
def course_export(request):
    file_format = request.GET.get("format", "csv")
    if file_format not in EXPORTS:
        messages.error(request, "The catalog can be exported as CSV or Excel (XLSX) only.")
        return redirect("catalog:course_list")
    return EXPORTS[file_format](transfer_selectors.catalog_in_chunks(request.user))
