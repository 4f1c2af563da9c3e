"""Data-subject requests, for HR and administrators: a person's data, and anonymising a leaver."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from people.selectors import visible_people
from skillbridge.authz import hr_required

from . import audit_services, export_services, privacy, tabular
from .models import ExportLog

FORMATS = ("json", "csv")


def _person(request, pk):
    return get_object_or_404(visible_people(request.user), pk=pk)


@hr_required
@require_GET
def person_data(request, pk):
    """What is held about one person, with the downloads and, for a leaver, the way to anonymise them."""
    person = _person(request, pk)
    # Opening this page is part of the person's history (reports/audit_services.py), like downloading it.
    audit_services.record_person_data_viewed(person_id=person.pk, user=request.user, url=request.path)
    return render(
        request,
        "reports/privacy_person.html",
        {
            "person": person,
            "sections": privacy.SECTIONS,
            "may_anonymise": privacy.may_anonymise(person) and not privacy.is_anonymised(person),
            "is_anonymised": privacy.is_anonymised(person),
            "history": ExportLog.objects.filter(
                kind__in=[ExportLog.Kind.PERSON, ExportLog.Kind.ANONYMISED], key=str(person.pk)
            )[:20],
        },
    )


@hr_required
@require_GET
def person_data_download(request, pk, fmt):
    """Everything held about one person, as JSON or as CSV (section, field, value); logged."""
    if fmt not in FORMATS:
        raise Http404("The data is available as JSON or CSV.")
    person = _person(request, pk)
    data = privacy.person_data(person)
    name = f"skillbridge-person-{person.pk}-{timezone.localdate():%Y-%m-%d}"
    export_services.log_export(
        user=request.user,
        kind=ExportLog.Kind.PERSON,
        key=str(person.pk),
        file_format=fmt,
        filters={"person": person.pk},
        filters_text=f"Everything about {person}",
        row_count=None,
    )
    if fmt == "json":
        response = HttpResponse(privacy.person_data_json(data), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    return tabular.csv_response(privacy.PERSON_DATA_HEADER, privacy.person_data_rows(data), filename=f"{name}.csv")


@hr_required
@require_http_methods(["GET", "POST"])
def anonymise(request, pk):
    """Confirm, by typing the employee number, then anonymise a leaver (refused for someone still active)."""
    person = _person(request, pk)
    error = ""
    if request.method == "POST":
        try:
            privacy.anonymise_person(person=person, by=request.user, confirmation=request.POST.get("confirmation", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "The leaver was anonymised. Figures in reports are unchanged.")
            return redirect("reports:person_data", pk=person.pk)
    return render(
        request,
        "reports/privacy_anonymise.html",
        {
            "person": person,
            "may_anonymise": privacy.may_anonymise(person),
            "is_anonymised": privacy.is_anonymised(person),
            "error": error,
        },
        status=400 if error else 200,
    )
