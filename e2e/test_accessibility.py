"""Accessible everywhere: axe-core (the WCAG 2.2 A/AA rules) over every page each role may open.

The pages are the authorization matrix's own (skillbridge/tests/test_authz_matrix.py): for each role, every
GET whose expected status is 200, with the objects of its `world` fixture. A few more states are added
here, built through the services, so that pages show what a fixture-light world hides: the draft
assessment with a skill below target (the triage questions open), gaps with recommended courses, a
dashboard with a heatmap, and the "not allowed" (403) and "not found" (404) pages each role can meet.

Each role logs in through the real login form, once, and walks its pages in one browser context, on a
laptop (1280 px); its top-level pages (those that need no object in the URL) are walked again on a phone
(390 px), where the menu collapses. htmx fragments are waited for before axe runs. A serious or critical
violation fails the test, with the page, the rule and the first elements where it is.

axe-core comes from npm, pinned in package.json / package-lock.json (`npm ci` installs it). It is added
to each browser context as an init script, because the pages' strict CSP (script-src 'self') refuses an
injected inline <script>, and the CSP stays in force. Debian's Chromium runs it, never a downloaded
browser. Responses that are not HTML pages (the probes, CSV/XLSX/JSON downloads) are fetched and their
status checked; there is nothing in them for axe.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from assessments.models import Assessment, Behaviour, RoleProfile, SkillResult
from assessments.services.assessing import save_skill
from assessments.services.roles import set_person_role
from devplans.tests.helpers import course_for
from e2e.conftest import log_in
from reports.tests.dashboard_data import agreed_plan_from_gap
from skillbridge.tests import test_authz_matrix
from skillbridge.tests.test_authz_matrix import MATRIX, ROLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = test_authz_matrix.world  # the matrix's fixture: its objects are the ones in the matrix's URLs

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
# Reduced motion turns Bootstrap's transitions off, so axe never reads a colour half-way through one.
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "reduced_motion": "reduce"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "reduced_motion": "reduce"}

# No htmx request open and no swap settling.
_SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({impact: n.impact, target: n.target.map(String).join(' ')})),
  }));
}"""


def _axe_source():
    assert AXE.is_file(), (
        f"{AXE} is missing: run `npm ci --no-audit --no-fund` in the project folder "
        "(axe-core is pinned in package.json and package-lock.json)"
    )
    return AXE


@pytest.fixture
def crawl_world(world):
    """The matrix's `world`, with the fuller states some pages only show with more data (see the docstring)."""
    # Kate's draft of Brian against a Team Lead target, Delegation rated well below it: triage questions open.
    team_lead = RoleProfile.objects.get(key="team-lead")
    set_person_role(person=world.employee_person, current=RoleProfile.objects.get(key="engineer"), target=team_lead)
    Assessment.objects.filter(pk=world.draft_assessment.pk).update(role_profile=team_lead)
    delegation = world.draft_assessment.rubric_version.skills.get(key="delegation")
    frequencies = {b.pk: 4 if b.kind == Behaviour.Kind.WARNING else 0 for b in delegation.behaviours.all()}
    save_skill(assessment=world.draft_assessment, skill=delegation, frequencies=frequencies, answers={})
    # Brian's submitted assessment has a Delegation gap, with a course recommended for it (one more than the
    # matrix's, which is already in his plan).
    course_for("delegation", title="Delegating in practice")
    SkillResult.objects.create(
        assessment=world.submitted_assessment,
        skill=world.submitted_assessment.rubric_version.skills.get(key="delegation"),
        level=1,
        target=3,
        gap=2,
        priority=6,
    )
    # Olivia (Sales) has an agreed plan from a Feedback gap: the dashboards have a heatmap and figures.
    agreed_plan_from_gap(world.other_employee_person, world.other_manager, "feedback")
    return world


def _pages_for(role, org):
    """(what, path, expected status, top level?) of every page the crawl opens as `role`."""
    pages = []
    for name, (method, kwargs_for, expected) in sorted(MATRIX.items()):
        if method == "get" and expected[role] == 200:
            kwargs = kwargs_for(org) if kwargs_for else None
            pages.append((name, reverse(name, kwargs=kwargs), 200, kwargs_for is None))
    if role == "manager":
        path = reverse("assessments:assessment", kwargs={"pk": org.draft_assessment.pk})
        pages.append(("assessments:assessment (the draft)", path, 200, False))
    # The error pages a role meets: the first matrix page it may not open, and an address that is no page.
    for status in (403, 404):
        refused = next(
            (
                (name, kwargs_for)
                for name, (method, kwargs_for, expected) in sorted(MATRIX.items())
                if method == "get" and expected[role] == status
            ),
            None,
        )
        if refused:
            name, kwargs_for = refused
            path = reverse(name, kwargs=kwargs_for(org) if kwargs_for else None)
            pages.append((f"{name} ({status})", path, status, False))
    pages.append(("no such page (404)", "/no-such-page/", 404, True))
    return pages


class _Tab:
    """One page of a role's browser context, counting the XHR/fetch requests still in flight (htmx)."""

    def __init__(self, context):
        self.page = context.new_page()
        self.in_flight = set()
        self.page.on("request", self._started)
        self.page.on("requestfinished", self._ended)
        self.page.on("requestfailed", self._ended)

    def _started(self, request):
        if request.resource_type in ("xhr", "fetch"):
            self.in_flight.add(request)

    def _ended(self, request):
        self.in_flight.discard(request)

    def settle(self):
        """Wait until no htmx request is open and no swap is settling, twice in a row 50 ms apart."""
        quiet = 0
        for _ in range(200):  # 10 s at most
            if not self.in_flight and self.page.evaluate(_SETTLED):
                quiet += 1
                if quiet == 2:
                    return
            else:
                quiet = 0
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{self.page.url}: htmx requests still open after 10 s")


def _audit(tab, live_server, pages, label):
    """Open each page, run axe, and return (problems, count of HTML pages checked)."""
    problems, checked = [], 0
    for what, path, status, _ in pages:
        url = f"{live_server.url}{path}"
        # Fetched first (same cookies): its status must be the expected one, and a download is not a page.
        response = tab.page.request.get(url, max_redirects=0)
        if response.status != status:
            problems.append(f"[{label}] {what} {path}: HTTP {response.status}, expected {status}")
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        tab.page.goto(url, wait_until="load")
        tab.settle()
        checked += 1
        for violation in tab.page.evaluate(_RUN_AXE, WCAG_22_AA):
            nodes = [n for n in violation["nodes"] if (n["impact"] or violation["impact"]) in FAILING_IMPACTS]
            if not nodes:
                continue
            more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
            targets = "; ".join(n["target"] for n in nodes[:3]) + more
            problems.append(
                f"[{label}] {path}: {violation['id']} ({violation['impact']}), {violation['help']}: {targets}"
            )
    return problems, checked


@pytest.mark.parametrize("role", ROLES)
def test_every_page_the_role_may_open_has_no_serious_axe_violation(browser, live_server, crawl_world, role):
    axe = _axe_source()
    pages = _pages_for(role, crawl_world)
    user = getattr(crawl_world, role)
    problems, checked = [], 0
    for label, options in (("laptop", LAPTOP), ("phone", PHONE)):
        context = browser.new_context(**options)
        context.add_init_script(path=str(axe))  # runs in every document, before the page's scripts
        try:
            tab = _Tab(context)
            if user is not None:
                log_in(tab.page, live_server, user.email)
                tab.page.wait_for_url(lambda url: "/accounts/login/" not in url)
            walk = pages if label == "laptop" else [page for page in pages if page[3]]
            found, count = _audit(tab, live_server, walk, label)
            problems += found
            checked += count
        finally:
            context.close()
    print(f"{role}: {checked} page views checked by axe-core ({len(pages)} addresses)")
    assert checked, f"{role}: no HTML page was checked"
    assert not problems, f"{len(problems)} serious or critical axe-core violation(s) for {role}:\n" + "\n".join(
        problems
    )
