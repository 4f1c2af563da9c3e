from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from skillbridge.authz import hr_required

from . import selectors, services
from .forms import OrgImportForm
from .importer import COLUMNS


def person_detail(request, pk):
    person = get_object_or_404(selectors.visible_person(request.user, pk))
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
