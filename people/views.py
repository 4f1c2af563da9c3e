from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from skillbridge.authz import hr_required, manager_required

from . import selectors, services
from .forms import OrgImportForm, TeamFilterForm
from .importer import COLUMNS


@manager_required
def team(request):
    form = TeamFilterForm(request.GET)
    if form.is_valid():
        scope = form.cleaned_data["scope"] or "direct"
        search = form.cleaned_data["q"].strip()
        page_number = form.cleaned_data["page"] or 1
    else:
        messages.warning(request, "That filter was not understood, so the whole team is shown.")
        scope, search, page_number = "direct", "", 1
    people = selectors.team_for(request.user, chain=scope == "chain", search=search)
    page = Paginator(people, settings.TEAM_PAGE_SIZE).get_page(page_number)
    return render(
        request,
        "people/team.html",
        {"page": page, "scope": scope, "search": search, "query": urlencode({"scope": scope, "q": search}) + "&"},
    )


def person_detail(request, pk):
    person = get_object_or_404(selectors.visible_people(request.user), pk=pk)
    reports = selectors.reports_of(request.user, person)
    me = selectors.person_for(request.user)
    can_assess = bool(me and person.is_active and selectors.is_below(me.pk, manager_id=person.pk))
    return render(
        request, "people/person_detail.html", {"person": person, "reports": reports, "can_assess": can_assess}
    )


@hr_required
@require_http_methods(["GET", "POST"])
def org_import(request):
    if request.method == "POST":
        form = OrgImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            started = services.start_org_import(uploaded_by=request.user, file_name=upload.name, content=upload.read())
            return redirect("people:org_import_detail", pk=started.pk)
    else:
        form = OrgImportForm()
    return render(
        request,
        "people/org_import.html",
        {"form": form, "imports": selectors.recent_org_imports(request.user), "columns": COLUMNS.values()},
    )


@hr_required
def org_import_detail(request, pk):
    org_import = get_object_or_404(selectors.org_import_for(request.user, pk))
    template = "people/partials/org_import_status.html" if request.htmx else "people/org_import_detail.html"
    return render(request, template, {"org_import": org_import})
