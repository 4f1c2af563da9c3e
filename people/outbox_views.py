"""The Outbox page: every e-mail the app recorded, for L&D and administrators; "Send again" for administrators."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from skillbridge.authz import _role_required, admin_required

from . import outbox_admin
from . import outbox_selectors as selectors
from .models import OutboundEmail
from .outbox import release_after
from .selectors import roles_for

PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 100
# The URL parameters of the list, in the order they appear in links.
FILTER_KEYS = ("status", "kind", "q", "date_from", "date_to")

# Who may read the outbox. Same people as ld_required today; named for the page so it can change alone.
outbox_reader_required = _role_required(lambda r: r.is_ld or r.is_admin)

Status = OutboundEmail.Status
# The status tabs: URL value → label ("" is every status).
STATUS_TABS = {
    "": "All",
    Status.PENDING: "Waiting",
    Status.SENDING: "Being sent",
    Status.SENT: "Sent",
    Status.FAILED: "Failed",
}


class OutboxFilterForm(forms.Form):
    """Parses the list's filters. A field with a bad value is dropped, with a message saying so."""

    status = forms.ChoiceField(
        required=False,
        choices=list(STATUS_TABS.items()),
        error_messages={"invalid_choice": "There is no status “%(value)s”, so every status is shown."},
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        error_messages={
            "invalid_choice": "No e-mail of the kind “%(value)s” is in the outbox, so every kind is shown."
        },
    )
    q = forms.CharField(label="Search addresses and subjects", required=False, strip=True)
    date_from = forms.DateField(
        label="Recorded from",
        required=False,
        error_messages={"invalid": "The “from” date is not a date (e.g. 2025-03-31), so it is left out."},
    )
    date_to = forms.DateField(
        label="Recorded up to",
        required=False,
        error_messages={"invalid": "The “up to” date is not a date (e.g. 2025-03-31), so it is left out."},
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *((k, selectors.kind_label(k)) for k in kinds)]

    def clean_q(self):
        return self.cleaned_data["q"][:SEARCH_MAX_LENGTH]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            cleaned.pop("date_from")
            cleaned.pop("date_to")
            raise forms.ValidationError("The “from” date is after the “up to” date, so the dates are left out.")
        return cleaned

    def filters(self) -> dict:
        """The filters to apply: every field that parsed, blank for the ones that did not."""
        self.is_valid()
        blank = {"status": "", "kind": "", "q": "", "date_from": None, "date_to": None}
        return {key: self.cleaned_data.get(key) or blank[key] for key in FILTER_KEYS}

    def problems(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]


def _query(filters: dict, **overrides) -> str:
    """The filters as a URL query, blank ones left out (dates as YYYY-MM-DD)."""
    values = {**filters, **overrides}
    return urlencode({key: str(values[key]) for key in FILTER_KEYS if values[key]})


@outbox_reader_required
@require_GET
def outbox(request):
    user = request.user
    kinds = selectors.outbox_kinds(user)
    form = OutboxFilterForm(request.GET, kinds=kinds)
    filters = form.filters()
    not_status = {
        "kind": filters["kind"],
        "search": filters["q"],
        "since": filters["date_from"],
        "until": filters["date_to"],
    }
    counts = selectors.outbox_counts(user, **not_status)
    emails = selectors.outbox_for(user, status=filters["status"], **not_status)
    paginator = Paginator(emails, PAGE_SIZE)
    paginator.count = counts[filters["status"] or "all"]  # same filters, already counted: saves a COUNT query
    page = paginator.get_page(request.GET.get("page") or 1)

    query = _query(filters)
    tabs = [
        {
            "label": label,
            "count": counts[value or "all"],
            "active": value == filters["status"],
            "query": _query(filters, status=value),
        }
        for value, label in STATUS_TABS.items()
    ]
    return render(
        request,
        "people/outbox.html",
        {
            "page": page,
            "tabs": tabs,
            "filters": filters,
            "problems": form.problems(),
            "kind_options": sorted(form.fields["kind"].choices[1:], key=lambda option: option[1].lower()),
            "query": f"{query}&" if query else "",
            "back": f"{query}&page={page.number}" if query else f"page={page.number}",
            "filtered": any(filters[key] for key in ("kind", "q", "date_from", "date_to")),
            "stuck_count": counts["stuck"],
            "stuck_minutes": max(1, int(release_after().total_seconds() // 60)),
            "is_admin": roles_for(user).is_admin,
        },
    )


def _back_to_list(back: str) -> str:
    """The list with the filters the administrator came from (only the list's own parameters)."""
    given = QueryDict(back[:1000])
    kept = urlencode({key: given[key][:200] for key in (*FILTER_KEYS, "page") if given.get(key)})
    url = reverse("people:outbox")
    return f"{url}?{kept}" if kept else url


@admin_required
@require_POST
def outbox_retry(request, pk):
    email = get_object_or_404(selectors.outbox_for(request.user), pk=pk)
    if outbox_admin.retry_failed_email(email_id=email.pk):
        messages.success(request, f"“{email.subject}” to {email.to} will be sent again.")
    else:
        messages.info(
            request,
            f"“{email.subject}” to {email.to} is no longer failed (it may be queued already), so nothing changed.",
        )
    return redirect(_back_to_list(request.POST.get("back", "")))
