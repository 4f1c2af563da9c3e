"""Reads for the manager's team dashboard ("My team"): one row per report and the next thing to do.

Every function takes the acting user and starts from people.selectors.team_for,
so a manager sees the active people below them and nobody else.

Each row's columns are SQL annotations (a join to the open plan, correlated
subqueries for the rest), so sorting and filtering by them happen in the
database and pagination stays correct. The page then needs a fixed number of
batched queries whatever its size: see `fill_rows`.

The next action is the first of these that applies, in the words the plan page uses for the same state
(devplans.agreement_selectors.agreement_step; devplans/tests/test_agreement_words.py holds them together):

1. Assess: never assessed by a manager, or no open plan and the last
   manager's assessment is older than REASSESS_AFTER.
2. Create plan: no open plan, and the last manager's assessment has gaps (it links to the page that
   drafts the plan from them). No plan and no gaps is nothing to do: "On track".
3. Add goals: the open plan awaits agreement and has no goal yet (a plan is agreed on its goals).
4. Confirm plan: the open plan awaits agreement and the user is the person's direct manager and has not
   confirmed its current revision (whether or not the person has).
5. Hold check-in: the open plan's scheduled check-in is today or earlier.
6. Give feedback: a completed course awaits the manager's observation, or a
   practice item awaits feedback.
7. Waiting: the open plan awaits someone else's confirmation ("Waiting for Brian Walsh"): no action for
   the user, so it comes after everything they can do.
8. On track: nothing to do.

The Plan column shows the plan's status as the plan page does (templates/devplans/partials/plan_status.html):
Draft, Agreed or Active, with "Awaiting agreement" while the current revision is not agreed by both.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from assessments.models import Assessment, SkillResult
from people.models import Person
from people.selectors import person_for, roles_for, team_for

from .agreement_selectors import agreement_step
from .models import OPEN_STATUSES, CheckIn, Goal, LearningItem, Plan, PlanRevision, PracticeItem

REASSESS_AFTER = timedelta(days=180)
TOP_GAPS = 3


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    badge: str = ""


# In the order the rule picks them; the position is the action's rank (what ?sort=action sorts by).
ACTIONS = [
    Choice("assess", "Assess"),
    Choice("start", "Create plan"),
    Choice("goals", "Add goals"),
    Choice("confirm", "Confirm plan"),
    Choice("checkin", "Hold check-in"),
    Choice("feedback", "Give feedback"),
    # A row's own label names who ("Waiting for Brian Walsh"); this one is the filter's.
    Choice("waiting", "Waiting for the other side"),
    Choice("none", "On track"),
]
ACTION_RANK = {choice.key: rank for rank, choice in enumerate(ACTIONS)}
# The actions about agreeing the plan: their row label comes from agreement_step, as on the plan page.
AGREEMENT_ACTIONS = ("goals", "confirm", "waiting")

# A draft awaits agreement by definition, so "Awaiting agreement" is an agreed or active plan
# whose current revision has not been confirmed by both sides yet.
PLAN_STATES = [
    Choice("none", "No plan", "text-bg-light border"),
    Choice("draft", "Draft", "text-bg-secondary"),
    Choice("awaiting", "Awaiting agreement", "text-bg-warning"),
    Choice("agreed", "Agreed", "text-bg-info"),
    Choice("active", "Active", "text-bg-success"),
]
_PLAN_STATE = {choice.key: choice for choice in PLAN_STATES}

SORTS = ("name", "last_assessed", "next_checkin", "overdue", "action")


def _for_open_plan(model, **conditions) -> QuerySet:
    """Rows of `model` in the outer person's open plan (the `plan_id` column below)."""
    return model.objects.filter(plan_id=OuterRef("plan_id"), **conditions)


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("plan_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _with_columns(people: QuerySet[Person], *, me_id: int | None) -> QuerySet[Person]:
    """The dashboard's columns; me_id is the acting user's Person id (the direct manager confirms)."""
    today = timezone.localdate()
    reassess_before = timezone.now() - REASSESS_AFTER
    last_assessment = Assessment.objects.filter(
        person=OuterRef("pk"), kind=Assessment.Kind.MANAGER, status=Assessment.Status.SUBMITTED
    ).order_by("-submitted_at", "-pk")
    next_checkin = _for_open_plan(CheckIn, status=CheckIn.Status.SCHEDULED).order_by("scheduled_for", "pk")
    overdue_goals = _for_open_plan(Goal, due_on__lt=today).exclude(progress=Goal.Progress.ACHIEVED)
    overdue_learning = _for_open_plan(LearningItem, due_on__lt=today).exclude(
        status__in=(LearningItem.Status.COMPLETED, LearningItem.Status.DROPPED)
    )
    overdue_practice = _for_open_plan(PracticeItem, due_on__lt=today).exclude(
        status__in=(PracticeItem.Status.DONE, PracticeItem.Status.DROPPED)
    )
    awaiting_observation = _for_open_plan(LearningItem, status=LearningItem.Status.COMPLETED, observed_at__isnull=True)
    awaiting_feedback = _for_open_plan(PracticeItem, reflected_at__isnull=False).filter(
        Q(feedback_at__isnull=True) | Q(feedback_at__lt=F("reflected_at"))
    )
    current_revision = PlanRevision.objects.filter(plan_id=OuterRef("plan_id"), number=OuterRef("plan_revision"))
    people = people.annotate(
        # One LEFT JOIN: a person has at most one open plan (the one_open_plan_per_person constraint).
        open_plan=FilteredRelation("plans", condition=Q(plans__status__in=OPEN_STATUSES)),
        plan_id=F("open_plan__id"),
        plan_status=F("open_plan__status"),
        plan_revision=F("open_plan__revision"),
        plan_agreed_revision=F("open_plan__agreed_revision"),
        last_assessment_id=Subquery(last_assessment.values("pk")[:1]),
        last_assessed_at=Subquery(last_assessment.values("submitted_at")[:1]),
        next_checkin_id=Subquery(next_checkin.values("pk")[:1]),
        next_checkin_on=Subquery(next_checkin.values("scheduled_for")[:1]),
        overdue_count=_count(overdue_goals) + _count(overdue_learning) + _count(overdue_practice),
        awaits_observation=Exists(awaiting_observation),
        awaits_feedback=Exists(awaiting_feedback),
        has_gaps=Exists(SkillResult.objects.filter(assessment_id=OuterRef("last_assessment_id"), gap__gt=0)),
        has_goals=Exists(_for_open_plan(Goal)),
        manager_confirmed=Exists(current_revision.filter(manager_confirmed_at__isnull=False)),
        employee_confirmed=Exists(current_revision.filter(employee_confirmed_at__isnull=False)),
    )
    people = people.annotate(
        plan_state=Case(
            When(plan_id__isnull=True, then=Value("none")),
            When(plan_status=Plan.Status.DRAFT, then=Value("draft")),
            When(
                Q(plan_agreed_revision__isnull=True)
                | Q(plan_agreed_revision__lt=F("plan_revision"))
                | Q(plan_agreed_revision__gt=F("plan_revision")),
                then=Value("awaiting"),
            ),
            default=F("plan_status"),
            output_field=CharField(),
        )
    )
    awaiting = Q(plan_state__in=("draft", "awaiting"))
    direct = Q(manager_id=me_id) if me_id is not None else Q(pk__in=[])
    return people.annotate(
        reports_to_me=Case(When(direct, then=Value(True)), default=Value(False), output_field=BooleanField()),
        action_rank=Case(
            When(
                Q(last_assessed_at__isnull=True) | Q(plan_id__isnull=True, last_assessed_at__lt=reassess_before),
                then=Value(ACTION_RANK["assess"]),
            ),
            When(plan_id__isnull=True, has_gaps=True, then=Value(ACTION_RANK["start"])),
            When(plan_id__isnull=True, then=Value(ACTION_RANK["none"])),
            When(awaiting & Q(has_goals=False), then=Value(ACTION_RANK["goals"])),
            When(awaiting & direct & Q(manager_confirmed=False), then=Value(ACTION_RANK["confirm"])),
            When(next_checkin_on__lte=today, then=Value(ACTION_RANK["checkin"])),
            When(Q(awaits_observation=True) | Q(awaits_feedback=True), then=Value(ACTION_RANK["feedback"])),
            When(awaiting, then=Value(ACTION_RANK["waiting"])),
            default=Value(ACTION_RANK["none"]),
            output_field=IntegerField(),
        ),
    )


def _me_id(user) -> int | None:
    me = person_for(user)
    return me.pk if me else None


def _ordering(sort: str) -> list:
    descending = sort.startswith("-")
    key = sort.removeprefix("-")

    def by(name, **nulls):
        return F(name).desc(**nulls) if descending else F(name).asc(**nulls)

    first = {
        "name": [],
        # Never assessed counts as the longest ago; no check-in as the furthest away.
        "last_assessed": [by("last_assessed_at", **({"nulls_last": True} if descending else {"nulls_first": True}))],
        "next_checkin": [by("next_checkin_on", **({"nulls_first": True} if descending else {"nulls_last": True}))],
        "overdue": [by("overdue_count")],
        "action": [by("action_rank")],
    }[key]
    name = [F("full_name").desc(), F("pk").desc()] if descending and key == "name" else [F("full_name"), F("pk")]
    return first + name


def team_dashboard(
    user, *, chain: bool = False, search: str = "", plan: str = "", action: str = "", sort: str = "name"
) -> QuerySet[Person]:
    """The user's reports (or whole chain) with the dashboard's columns, filtered and sorted in SQL.

    plan is a PLAN_STATES key, action an ACTIONS key and sort one of SORTS, optionally with a "-" for
    descending; empty strings mean no filter.
    """
    people = _with_columns(team_for(user, chain=chain, search=search), me_id=_me_id(user))
    if plan:
        people = people.filter(plan_state=plan)
    if action:
        people = people.filter(action_rank=ACTION_RANK[action])
    return people.order_by(*_ordering(sort or "name"))


def team_page(user, *, chain: bool, search: str, plan: str, action: str, sort: str, number, per_page: int):
    """One page of the dashboard and the counts per next action, with as little work per request as it takes.

    - The counts per action are one grouped query over the team; without a plan filter they also give the
      number of rows, so the paginator does not count the team a second time.
    - Sorted by name with no plan or action filter (the page as it opens), the page of people is picked
      first and the computed columns are worked out for those rows only, not for the whole chain.
    - Direct reports usually fit on one page: then one query reads them all with their columns and the
      counts are added up from those rows.
    Returns (page, counts); the page's rows are filled in by fill_rows.
    """
    if not chain and not plan and not action:
        head = list(team_dashboard(user, search=search, sort=sort)[: per_page + 1])
        if len(head) <= per_page:
            counts = {choice.key: 0 for choice in ACTIONS}
            for person in head:
                counts[ACTIONS[person.action_rank].key] += 1
            page = Paginator(head, per_page).get_page(1)
            page.object_list = fill_rows(head)
            return page, counts
    counts = action_counts(user, chain=chain, search=search)
    rows = team_dashboard(user, chain=chain, search=search, plan=plan, action=action, sort=sort)
    paginator = Paginator(rows, per_page)
    if not plan:
        paginator.count = counts[action] if action else sum(counts.values())  # replaces a cached_property
    page = paginator.get_page(number)
    if not plan and not action and sort.removeprefix("-") == "name":
        order = _ordering(sort)
        people = team_for(user, chain=chain, search=search).order_by(*order)
        first = (page.number - 1) * per_page
        ids = list(people.values_list("pk", flat=True)[first : first + per_page])
        chosen = Person.objects.select_related("user", "department", "manager").filter(pk__in=ids)
        page.object_list = list(_with_columns(chosen, me_id=_me_id(user)).order_by(*order))
    else:
        page.object_list = list(page.object_list)
    page.object_list = fill_rows(page.object_list)
    return page, counts


def action_counts(user, *, chain: bool = False, search: str = "") -> dict[str, int]:
    """How many of the user's reports (or chain) need each next action, in one query."""
    rows = (
        _with_columns(team_for(user, chain=chain, search=search), me_id=_me_id(user))
        .order_by()
        .values("action_rank")
        .annotate(n=Count("pk"))
    )
    by_rank = {row["action_rank"]: row["n"] for row in rows}
    return {choice.key: by_rank.get(rank, 0) for rank, choice in enumerate(ACTIONS)}


def fill_rows(people: list[Person]) -> list[Person]:
    """Give a page of team_dashboard rows their top gaps, open plan and next check-in: three queries in all.

    Each row gains `top_gaps` ([(skill name, gap)], biggest priority first), `plan` and `next_checkin`
    (or None), `plan_state` and `action` (Choice), and `checkin_is_overdue`.
    """
    today = timezone.localdate()
    assessment_ids = [p.last_assessment_id for p in people if p.last_assessment_id]
    gaps = {}
    if assessment_ids:
        ranked = (
            SkillResult.objects.filter(assessment_id__in=assessment_ids, gap__gt=0)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("assessment_id"),
                    order_by=[F("priority").desc(), F("gap").desc(), F("skill__order").asc(), F("pk").asc()],
                )
            )
            .filter(rank__lte=TOP_GAPS)
            .order_by("assessment_id", "rank")
            .values_list("assessment_id", "skill__name", "gap")
        )
        for assessment_id, skill_name, gap in ranked:
            gaps.setdefault(assessment_id, []).append((skill_name, gap))
    plan_ids = [p.plan_id for p in people if p.plan_id]
    plans = Plan.objects.in_bulk(plan_ids) if plan_ids else {}
    checkin_ids = [p.next_checkin_id for p in people if p.next_checkin_id]
    checkins = CheckIn.objects.in_bulk(checkin_ids) if checkin_ids else {}
    for person in people:
        person.top_gaps = gaps.get(person.last_assessment_id, [])
        person.plan = plans.get(person.plan_id)
        person.next_checkin = checkins.get(person.next_checkin_id)
        person.checkin_is_overdue = bool(person.next_checkin_on and person.next_checkin_on < today)
        person.plan_state_choice = _PLAN_STATE[person.plan_state]
        person.action = ACTIONS[person.action_rank]
        person.action_label = person.action.label
        if person.plan is not None and person.action.key in AGREEMENT_ACTIONS:
            person.plan.person = person  # the row is the plan's person (with their manager): no query
            step = agreement_step(
                person.plan,
                own=False,
                direct_manager=person.reports_to_me,
                manages=True,
                has_goals=person.has_goals,
                manager_confirmed=person.manager_confirmed,
                employee_confirmed=person.employee_confirmed,
            )
            person.action_label = step["label"] if step else person.action.label
    return people


def plan_state_of(plan: Plan | None) -> Choice:
    """The dashboard's word for a plan, the same as its plan_state column."""
    if plan is None or not plan.is_open:
        return _PLAN_STATE["none"]
    if plan.is_draft:
        return _PLAN_STATE["draft"]
    if plan.awaits_agreement:
        return _PLAN_STATE["awaiting"]
    return _PLAN_STATE[plan.status]


def own_plan(user) -> Plan | None:
    """The acting user's own open plan, with its next scheduled check-in date as `next_checkin_on`."""
    me = roles_for(user).person
    if me is None:
        return None
    scheduled = CheckIn.objects.filter(plan=OuterRef("pk"), status=CheckIn.Status.SCHEDULED).order_by("scheduled_for")
    return (
        Plan.objects.filter(person=me, status__in=OPEN_STATUSES)
        .annotate(next_checkin_on=Subquery(scheduled.values("scheduled_for")[:1]))
        .first()
    )
