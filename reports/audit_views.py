"""The audit trail page: one person's history, for HR and administrators (anyone else gets 404)."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import audit_rows
from . import audit_selectors as selectors


@require_GET
def person_history(request, pk):
    """Who created, changed, viewed or exported what about one person, and when; newest first, 50 a page."""
    person = get_object_or_404(selectors.people_with_history(request.user), pk=pk)
    page = Paginator(selectors.history_of(person), selectors.PAGE_SIZE).get_page(request.GET.get("page") or 1)
    names = selectors.names_for(page.object_list)
    return render(
        request,
        "reports/person_history.html",
        {
            "person": person,
            "page": page,
            "rows": audit_rows.rows_for(page.object_list, names, person=person),
            "records_changes": selectors.records_changes(),
            "query": "",
        },
    )
