"""The manager's team dashboard ("My team"): each report's gaps, plan, check-ins and the next thing to do."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone

from skillbridge.authz import manager_required

from . import agreement_selectors, dashboard

SCOPES = [("direct", "Direct reports"), ("chain", "Whole chain")]
SORT_CHOICES = [(key, key) for key in dashboard.SORTS] + [(f"-{key}", f"-{key}") for key in dashboard.SORTS]
# The summary above the table: (action, one, many). "{n}" is the count.
SUMMARY = [
    ("assess", "{n} to assess", "{n} to assess"),
    ("start", "{n} plan to create", "{n} plans to create"),
    ("goals", "{n} plan without goals", "{n} plans without goals"),
    ("confirm", "{n} plan to confirm", "{n} plans to confirm"),
    ("checkin", "{n} check-in due", "{n} check-ins due"),
    ("feedback", "{n} awaiting feedback", "{n} awaiting feedback"),
]


class TeamDashboardForm(forms.Form):
    """The query string: scope, search, filters, sort and page. Anything else is refused as a whole."""

    scope = forms.ChoiceField(choices=SCOPES, required=False)
    q = forms.CharField(label="Search by name, title or department", required=False, max_length=100)
    plan = forms.ChoiceField(
        label="Plan", required=False, choices=[("", "Any plan")] + [(c.key, c.label) for c in dashboard.PLAN_STATES]
    )
    action = forms.ChoiceField(
        label="Next action",
        required=False,
        choices=[("", "Any action")] + [(c.key, c.label) for c in dashboard.ACTIONS],
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)


def _query(params: dict, **changes) -> str:
    """The query string for these parameters with some changed, leaving out the empty and the defaults."""
    merged = {**params, **changes}
    defaults = {"scope": "direct", "sort": "name"}
    return urlencode({k: v for k, v in merged.items() if v and defaults.get(k) != v})


def _sort_links(params: dict) -> dict:
    """Per sortable column: the link that sorts by it (ascending, or flipped if it is the current sort)."""
    current = params["sort"]
    links = {}
    for key in dashboard.SORTS:
        if current == key:
            links[key] = {"url": "?" + _query(params, sort=f"-{key}"), "aria": "ascending"}
        elif current == f"-{key}":
            links[key] = {"url": "?" + _query(params, sort=key), "aria": "descending"}
        else:
            links[key] = {"url": "?" + _query(params, sort=key), "aria": ""}
    return links


@manager_required
def team(request):
    form = TeamDashboardForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
    else:
        messages.warning(request, "That filter was not understood, so the whole team is shown.")
        form = TeamDashboardForm()
        data = {}
    params = {
        "scope": data.get("scope") or "direct",
        "q": (data.get("q") or "").strip(),
        "plan": data.get("plan") or "",
        "action": data.get("action") or "",
        "sort": data.get("sort") or "name",
    }
    chain = params["scope"] == "chain"
    page, counts = dashboard.team_page(
        request.user,
        chain=chain,
        search=params["q"],
        plan=params["plan"],
        action=params["action"],
        sort=params["sort"],
        number=data.get("page") or 1,
        per_page=settings.TEAM_PAGE_SIZE,
    )
    summary = [
        {
            "text": (one if counts[key] == 1 else many).format(n=counts[key]),
            "url": "?" + _query(params, action=key, plan=""),
            "current": params["action"] == key,
        }
        for key, one, many in SUMMARY
        if counts[key]
    ]
    own_plan = dashboard.own_plan(request.user)
    waiting = agreement_selectors.waiting_for_you(request.user)
    query = _query(params)
    return render(
        request,
        "devplans/team.html",
        {
            "form": form,
            "page": page,
            "params": params,
            "scope": params["scope"],
            "search": params["q"],
            "filtered": bool(params["q"] or params["plan"] or params["action"]),
            "query": f"{query}&" if query else "",
            "scope_links": {key: "?" + _query(params, scope=key) for key, _ in SCOPES},
            "clear_url": "?" + _query({"scope": params["scope"], "sort": params["sort"]}),
            "sort_links": _sort_links(params),
            "summary": summary,
            "own_plan": own_plan,
            "own_plan_state": dashboard.plan_state_of(own_plan),
            "waiting": waiting,
            "waiting_count": counts["waiting"],
            "waiting_url": "?" + _query(params, action="waiting", plan=""),
            "today": timezone.localdate(),
        },
    )
