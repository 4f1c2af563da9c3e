"""Export pages: the exports page, streamed downloads, background exports and the export log.

Who may export what is decided on the server from the user's roles and the
filters' scope (reports.filters): HR and administrators export every dataset
for the whole organisation; a manager exports the datasets for their own chain;
L&D exports the aggregate reports only (raw datasets answer 403); employees
have no exports page (403). A filter value that does not parse, or that names
something the user may not see (another manager's department), is never
silently dropped from a download: the download is refused and the exports page
says why.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from skillbridge.authz import hr_required

from . import export_selectors as selectors
from . import export_services as services
from . import filter_choices, tabular
from .filters import HR, parse_filters
from .models import ExportJob, ExportLog

LOG_PAGE_SIZE = 50


def _file_name(key: str) -> str:
    return f"skillbridge-{key.replace('_', '-')}-{timezone.localdate():%Y-%m-%d}"


@require_GET
def exports(request):
    """The datasets and reports this user may export, with their columns, the filters and the buttons."""
    user = request.user
    filters, problems = parse_filters(request, user)
    viewer = filters.viewer(user)
    if viewer is None:
        raise PermissionDenied
    reports = [report for report in services.all_reports() if report.allows(user, filters)]
    datasets = list(selectors.DATASETS.values()) if viewer in selectors.INDIVIDUAL_VIEWERS else []
    return render(
        request,
        "reports/exports.html",
        {
            "filters": filters,
            "ignored": problems,
            "form": filter_choices.filter_form(user, filters),
            "query": filters.querystring(),
            "viewer": viewer,
            "is_hr": viewer == HR,
            "datasets": datasets,
            "reports": reports,
            "jobs": list(selectors.jobs_of(user, limit=5)),
            "threshold": settings.EXPORT_BACKGROUND_ROWS,
        },
    )


def _check_format(fmt: str) -> None:
    if fmt not in tabular.FORMATS:
        raise Http404("Exports are CSV or XLSX.")


def _refuse_bad_filters(request, problems):
    """A download with a filter that did not apply would hold more than was asked for: refuse, and say why."""
    for problem in problems:
        messages.error(request, f"Nothing was exported. {problem}")
    return redirect(reverse("reports:exports"))


def _stream(request, *, kind, key, fmt, filters, header, rows, title):
    log = services.log_export(
        user=request.user,
        kind=kind,
        key=key,
        file_format=fmt,
        filters=filters.params(),
        filters_text=filters.describe(),
    )
    return tabular.response(
        fmt,
        header,
        rows,
        filename=_file_name(key),
        sheet_title=title,
        on_done=lambda count: services.set_row_count(log.pk, count),
    )


@require_GET
def dataset_export(request, key, fmt):
    """One raw dataset as CSV or XLSX, streamed; above the size limit, an offer to prepare it in the background."""
    dataset = selectors.DATASETS.get(key)
    if dataset is None:
        raise Http404("No such dataset.")
    _check_format(fmt)
    user = request.user
    filters, problems = parse_filters(request, user)
    if not selectors.may_export_individuals(user, filters):
        raise PermissionDenied
    if problems:
        return _refuse_bad_filters(request, problems)
    count = dataset.count(user, filters)
    if count > settings.EXPORT_BACKGROUND_ROWS or request.GET.get("background"):
        return render(
            request,
            "reports/export_background.html",
            {"title": dataset.title, "count": count, "fmt": fmt, "filters": filters, "kind": "dataset", "key": key},
        )
    rows = dataset.rows(user, filters).iterator(chunk_size=selectors.ITERATOR_CHUNK)
    return _stream(
        request, kind=ExportLog.Kind.DATASET, key=key, fmt=fmt, filters=filters, header=dataset.header, rows=rows,
        title=dataset.title,
    )  # fmt: skip


@require_GET
def report_export(request, key, fmt):
    """One report (reports.dashboards.REPORTS) as CSV or XLSX, with the page's filters, for its audience only."""
    report = services.report_for(key)
    if report is None:
        raise Http404("No such report.")
    _check_format(fmt)
    user = request.user
    filters, problems = parse_filters(request, user)
    if not services.may_export_report(user, filters, report):
        raise PermissionDenied
    if problems:
        return _refuse_bad_filters(request, problems)
    header = [header for header, _ in report.columns]
    return _stream(
        request, kind=ExportLog.Kind.REPORT, key=key, fmt=fmt, filters=filters, header=header,
        rows=report.rows(user, filters), title=report.title,
    )  # fmt: skip


@require_POST
def export_job_start(request, kind, key, fmt):
    """Prepare a dataset or report in the background; the filters come in the URL like a download's."""
    if kind not in ExportJob.Kind.values:
        raise Http404
    if (kind == ExportJob.Kind.DATASET and key not in selectors.DATASETS) or (
        kind == ExportJob.Kind.REPORT and services.report_for(key) is None
    ):
        raise Http404
    _check_format(fmt)
    filters, problems = parse_filters(request, request.user)
    if problems:
        return _refuse_bad_filters(request, problems)
    try:
        job = services.start_export_job(user=request.user, kind=kind, key=key, file_format=fmt, filters=filters)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    return redirect("reports:export_job", pk=job.pk)


@require_GET
def export_job(request, pk):
    """A background export's progress, refreshed by htmx every second until it is done."""
    job = get_object_or_404(selectors.job_for(request.user, pk))
    template = "reports/partials/export_job_status.html" if request.htmx else "reports/export_job.html"
    return render(request, template, {"job": job})


@require_GET
def export_job_download(request, pk):
    """The finished file, for the job's owner only (anyone else, or a job not finished: 404)."""
    job = get_object_or_404(selectors.job_for(request.user, pk).filter(status=ExportJob.Status.DONE))
    if not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file_name,
        content_type=tabular.CONTENT_TYPES[job.file_format],
    )


class LogFilterForm(forms.Form):
    user = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label="From", required=False)
    date_to = forms.DateField(label="Up to", required=False)

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Anyone"), *users]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise ValidationError("The “from” date is after the “up to” date, so the dates are left out.")
        return cleaned


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@hr_required
@require_GET
def export_log(request):
    """Every export anyone made, newest first, filterable by person and dates (HR and administrators)."""
    form = LogFilterForm(request.GET, users=list(selectors.log_users()))
    cleaned = form.cleaned_data if form.is_valid() else {}
    date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
    entries = selectors.export_log(
        user_id=cleaned.get("user"),
        since=_start_of(date_from) if date_from else None,
        until=_start_of(date_to + timedelta(days=1)) if date_to else None,
    )
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page") or 1)
    kept = request.GET.copy()
    kept.pop("page", None)
    query = kept.urlencode()
    return render(
        request,
        "reports/export_log.html",
        {
            "form": form,
            "problems": [message for errors in form.errors.values() for message in errors],
            "page": page,
            "query": f"{query}&" if query else "",
        },
    )
