"""Reads for the dashboards: every figure is an SQL aggregate over the people in the filters' scope.

Each function takes the acting user and the ReportFilters and returns a list of
tuples, one per group (department, skill, course, manager), never one per
person or per rating: the database counts and averages (values() + annotate()
with Count/Avg/Sum and filter=), Python only merges a few grouped results and
works out shares. Each function runs a fixed number of queries (named in its
docstring) whatever the size of the organisation.

Where the figures come from:
- Assessments: submitted manager's assessments (self-assessments never count).
  Skill gaps use each person's newest one in the period, as L&D's demand view does.
- Plans: the funnel counts each person once, by their open plan (draft, agreed,
  active), else "completed" if they have a completed plan, else "no plan".
- Learning: courses in plans; cost is the catalog cost of completed courses.
- Follow-up outcomes: the manager's answers to six-month follow-up surveys.
- Check-ins on time: held no later than ON_TIME_GRACE after the day they were due.
"""

from datetime import timedelta

from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.utils import timezone

from assessments.demand import demand_skills
from assessments.models import Assessment, SkillResult
from catalog.models import CourseSkill
from devplans.models import OPEN_STATUSES, CheckIn, FollowUpSurvey, LearningItem, Plan, SurveyAnswer
from people.models import Person

from .filters import ReportFilters

NO_DEPARTMENT = "No department"
NO_PROFILE = "No role profile"
ON_TIME_GRACE = timedelta(days=7)
# Calibration: a manager needs this many ratings of a skill before their average is compared;
# a difference of this many levels (on the 1-4 scale) or more is marked.
MIN_RATINGS = 5
MARKED_DIFFERENCE = 0.5
_MANAGER_SUBMITTED = {"kind": Assessment.Kind.MANAGER, "status": Assessment.Status.SUBMITTED}


def share(part, whole) -> float | None:
    """part / whole as a percentage with one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def department_name(name) -> str:
    return name or NO_DEPARTMENT


def skill_names() -> dict[str, dict]:
    """{skill key: {key, name, order}} for every skill ever in a rubric (one query)."""
    return {s["key"]: s for s in demand_skills()}


def _skill_order(names: dict[str, dict], key: str) -> tuple:
    skill = names.get(key, {"order": 0, "name": key})
    return (skill["order"], skill["name"])


# --- assessments --------------------------------------------------------------------------------------------------


def _newest_in_period(filters: ReportFilters, prefix: str = "") -> Exists:
    """True for a submitted manager's assessment that no newer one of the same person, in the period, follows."""
    newer = (
        Assessment.objects.filter(person_id=OuterRef(f"{prefix}person_id"), **_MANAGER_SUBMITTED)
        .filter(filters.datetime_q("submitted_at"))
        .filter(
            Q(submitted_at__gt=OuterRef(f"{prefix}submitted_at"))
            | Q(submitted_at=OuterRef(f"{prefix}submitted_at"), pk__gt=OuterRef(f"{prefix}pk"))
        )
    )
    return ~Exists(newer)


def _assessed_in_window(filters: ReportFilters) -> Exists:
    """For a Person row: has a submitted manager's assessment in the period (default: the last six months)."""
    start, end = filters.window()
    windowed = ReportFilters(date_from=start, date_to=end)
    return Exists(
        Assessment.objects.filter(person_id=OuterRef("pk"), **_MANAGER_SUBMITTED).filter(
            windowed.datetime_q("submitted_at")
        )
    )


def skill_gaps(user, filters: ReportFilters, names: dict | None = None) -> list[tuple]:
    """(department, skill, people assessed, people with a gap, % with a gap, average gap) — one query (two without
    `names`)."""
    names = skill_names() if names is None else names
    # From the newest assessments (one per person) to their results, not from every result to a test of
    # whether its assessment is the newest: PostgreSQL then joins the departments and skills to the few
    # results that count, three to five times faster on 20,000 people.
    results = Q(skill_results__level__isnull=False)
    if filters.skill_key:
        results &= Q(skill_results__skill__key=filters.skill_key)
    grouped = (
        Assessment.objects.filter(_newest_in_period(filters), **_MANAGER_SUBMITTED)
        .filter(filters.datetime_q("submitted_at"), person__in=filters.people(user))
        .filter(results)
        .order_by()
        .values("person__department__name", "skill_results__skill__key")
        .annotate(
            assessed=Count("skill_results"),
            with_gap=Count("skill_results", filter=Q(skill_results__gap__gt=0)),
            average_gap=Avg("skill_results__gap"),
        )
    )
    rows = [
        (
            department_name(row["person__department__name"]),
            names.get(row["skill_results__skill__key"], {"name": row["skill_results__skill__key"]})["name"],
            row["assessed"],
            row["with_gap"],
            share(row["with_gap"], row["assessed"]),
            round(row["average_gap"] or 0, 2),
            _skill_order(names, row["skill_results__skill__key"]),
        )
        for row in grouped
    ]
    rows.sort(key=lambda r: (r[0], r[6]))
    return [r[:6] for r in rows]


def coverage(user, filters: ReportFilters) -> list[tuple]:
    """(department, active people, assessed in the period, coverage %) — one query."""
    grouped = (
        filters.people(user)
        .annotate(recent=_assessed_in_window(filters))
        .order_by()
        .values("department__name")
        .annotate(people=Count("pk"), assessed=Count("pk", filter=Q(recent=True)))
        .order_by("department__name")
    )
    return [
        (
            department_name(row["department__name"]),
            row["people"],
            row["assessed"],
            share(row["assessed"], row["people"]),
        )
        for row in grouped
    ]


# --- plans and learning ---------------------------------------------------------------------------------------------


def plan_funnel(user, filters: ReportFilters) -> list[tuple]:
    """(department, people, no plan, draft, agreed, active, completed) — one query.

    A person has at most one open plan, so counting joined plans by status counts people; "completed"
    counts people once, and only those without an open plan. With dates, only plans created in the
    period count.
    """
    in_period = filters.datetime_q("plans__created_at")
    has_open = Exists(
        Plan.objects.filter(person_id=OuterRef("pk"), status__in=OPEN_STATUSES).filter(filters.datetime_q("created_at"))
    )
    grouped = (
        filters.people(user)
        .order_by()
        .values("department__name")
        .annotate(
            people=Count("pk", distinct=True),
            draft=Count("plans", filter=in_period & Q(plans__status=Plan.Status.DRAFT)),
            agreed=Count("plans", filter=in_period & Q(plans__status=Plan.Status.AGREED)),
            active=Count("plans", filter=in_period & Q(plans__status=Plan.Status.ACTIVE)),
            done=Count("pk", distinct=True, filter=in_period & Q(plans__status=Plan.Status.COMPLETED) & ~Q(has_open)),
        )
        .order_by("department__name")
    )
    return [
        (
            department_name(row["department__name"]),
            row["people"],
            row["people"] - row["draft"] - row["agreed"] - row["active"] - row["done"],
            row["draft"],
            row["agreed"],
            row["active"],
            row["done"],
        )
        for row in grouped
    ]


def _learning(user, filters: ReportFilters, *, added_in_period: bool = True):
    """Courses in the plans of the people in scope for the chosen skill (and, unless told, added in the period)."""
    items = LearningItem.objects.filter(plan__person__in=filters.people(user))
    if added_in_period:
        items = items.filter(filters.datetime_q("created_at"))
    if filters.skill_key:
        serves_skill = Exists(CourseSkill.objects.filter(course_id=OuterRef("course_id"), skill__key=filters.skill_key))
        items = items.filter(Q(goal__skill__key=filters.skill_key) | Q(serves_skill))
    return items.order_by()


_LEARNING_COUNTS = {
    "total": Count("pk"),
    "completed": Count("pk", filter=Q(status=LearningItem.Status.COMPLETED)),
    "in_progress": Count("pk", filter=Q(status=LearningItem.Status.IN_PROGRESS)),
    "planned": Count("pk", filter=Q(status=LearningItem.Status.PLANNED)),
    "postponed": Count("pk", filter=Q(status=LearningItem.Status.POSTPONED)),
    "dropped": Count("pk", filter=Q(status=LearningItem.Status.DROPPED)),
}


def learning_completion(user, filters: ReportFilters) -> list[tuple]:
    """(department, courses, completed, in progress, planned, postponed, dropped, completion %) — one query.

    Completion is completed out of all courses not dropped.
    """
    grouped = (
        _learning(user, filters)
        .values("plan__person__department__name")
        .annotate(**_LEARNING_COUNTS)
        .order_by("plan__person__department__name")
    )
    return [
        (
            department_name(row["plan__person__department__name"]),
            row["total"],
            row["completed"],
            row["in_progress"],
            row["planned"],
            row["postponed"],
            row["dropped"],
            share(row["completed"], row["total"] - row["dropped"]),
        )
        for row in grouped
    ]


# --- follow-up outcomes and cost ----------------------------------------------------------------------------------


def _answers(user, filters: ReportFilters):
    """The manager's follow-up survey answers about people in scope, answered in the period."""
    answers = SurveyAnswer.objects.filter(
        survey__role=FollowUpSurvey.Role.MANAGER, survey__plan__person__in=filters.people(user)
    ).filter(filters.datetime_q("survey__answered_at"))
    if filters.skill_key:
        answers = answers.filter(goal__skill__key=filters.skill_key)
    return answers.order_by()


_OUTCOME_COUNTS = {
    "answers": Count("pk"),
    "closed": Count("pk", filter=Q(outcome=SurveyAnswer.Outcome.GAP_CLOSED)),
    "improved": Count("pk", filter=Q(outcome=SurveyAnswer.Outcome.IMPROVED)),
    "no_change": Count("pk", filter=Q(outcome=SurveyAnswer.Outcome.NO_CHANGE)),
}


def _outcome_row(label, row) -> tuple:
    return (
        label,
        row["answers"],
        row["closed"],
        row["improved"],
        row["no_change"],
        share(row["closed"] + row["improved"], row["answers"]),
    )


def outcomes_by_skill(user, filters: ReportFilters, names: dict | None = None) -> list[tuple]:
    """(skill, answers, gap closed, improved, no change, % closed or improved) — two queries."""
    names = skill_names() if names is None else names
    grouped = _answers(user, filters).values("goal__skill__key").annotate(**_OUTCOME_COUNTS)
    rows = sorted(grouped, key=lambda row: _skill_order(names, row["goal__skill__key"]))
    return [
        _outcome_row(names.get(row["goal__skill__key"], {"name": row["goal__skill__key"]})["name"], row) for row in rows
    ]


def outcomes_by_course(user, filters: ReportFilters) -> list[tuple]:
    """(course, answers, gap closed, improved, no change, % closed or improved) — one query.

    An answer counts for every course completed toward its goal; most answers first.
    """
    grouped = (
        _answers(user, filters)
        .filter(goal__learning_items__status=LearningItem.Status.COMPLETED)
        .values("goal__learning_items__course__title", "goal__learning_items__course__code")
        .annotate(**_OUTCOME_COUNTS)
        .order_by("-answers", "goal__learning_items__course__title")
    )
    return [_outcome_row(row["goal__learning_items__course__title"], row) for row in grouped]


def costs(user, filters: ReportFilters) -> list[tuple]:
    """(department, currency, courses completed, training cost, gaps closed, cost per closed gap) — two queries.

    Cost: the catalog cost of courses completed in the period. Gaps closed: follow-up answers
    "gap closed" in the period, for the department's people.
    """
    spent = (
        _learning(user, filters, added_in_period=False)
        .filter(status=LearningItem.Status.COMPLETED)
        .filter(filters.date_q("completed_on"))
        .values("plan__person__department__name", "course__currency")
        .annotate(courses=Count("pk"), cost=Sum("course__cost"))
        .order_by("plan__person__department__name", "course__currency")
    )
    closed = dict(
        _answers(user, filters)
        .filter(outcome=SurveyAnswer.Outcome.GAP_CLOSED)
        .values("survey__plan__person__department__name")
        .annotate(n=Count("pk"))
        .values_list("survey__plan__person__department__name", "n")
    )
    rows = []
    for row in spent:
        department = row["plan__person__department__name"]
        gaps_closed = closed.pop(department, 0)
        cost = row["cost"] or 0
        rows.append(
            (
                department_name(department),
                row["course__currency"],
                row["courses"],
                cost,
                gaps_closed,
                round(cost / gaps_closed, 2) if gaps_closed else None,
            )
        )
    # Departments that closed gaps without any paid course in the period.
    rows.extend((department_name(d), "", 0, 0, n, None) for d, n in closed.items())
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


# --- managers -------------------------------------------------------------------------------------------------------


def leaderboard(user, filters: ReportFilters) -> list[tuple]:
    """Per manager of people in scope: (manager, department, direct reports, assessed in the period, coverage %,
    check-ins due, held on time, on time %, courses in plans (not dropped), completed, completion %) — four queries.

    Sorted best first: coverage, then check-ins on time, then completion.
    """
    today = timezone.localdate()
    reports = filters.people(user).filter(manager__isnull=False)
    teams = (
        reports.annotate(recent=_assessed_in_window(filters))
        .order_by()
        .values("manager_id")
        .annotate(team=Count("pk"), assessed=Count("pk", filter=Q(recent=True)))
    )
    due_by = ExpressionWrapper(F("scheduled_for") + ON_TIME_GRACE, output_field=DateField())
    checkins = (
        CheckIn.objects.filter(plan__person__in=reports, scheduled_for__lte=today)
        .exclude(status=CheckIn.Status.CANCELLED)
        .filter(filters.date_q("scheduled_for"))
        .order_by()
        .values("plan__person__manager_id")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(status=CheckIn.Status.HELD, held_on__lte=due_by)))
    )
    learning = (
        _learning(user, filters)
        .filter(plan__person__manager__isnull=False)
        .exclude(status=LearningItem.Status.DROPPED)
        .values("plan__person__manager_id")
        .annotate(total=Count("pk"), completed=Count("pk", filter=Q(status=LearningItem.Status.COMPLETED)))
    )
    by_manager = {row["manager_id"]: [row["team"], row["assessed"], 0, 0, 0, 0] for row in teams}
    for row in checkins:
        figures = by_manager.get(row["plan__person__manager_id"])
        if figures:
            figures[2:4] = [row["due"], row["on_time"]]
    for row in learning:
        figures = by_manager.get(row["plan__person__manager_id"])
        if figures:
            figures[4:6] = [row["total"], row["completed"]]
    managers = Person.objects.filter(pk__in=list(by_manager)).values_list("pk", "full_name", "department__name")
    rows = []
    for pk, name, department in managers:
        team, assessed, due, on_time, total, completed = by_manager[pk]
        rows.append(
            (
                name,
                department_name(department),
                team,
                assessed,
                share(assessed, team),
                due,
                on_time,
                share(on_time, due),
                total,
                completed,
                share(completed, total),
            )
        )
    rows.sort(key=lambda r: (-(r[4] or 0), -(r[7] or 0), -(r[10] or 0), r[0]))
    return rows


# --- rater calibration ----------------------------------------------------------------------------------------------

IN_LINE = "In line"
LENIENT = "Rates higher than others"
HARSH = "Rates lower than others"
TOO_FEW = "Too few ratings to judge"


def calibration(user, filters: ReportFilters, names: dict | None = None) -> list[tuple]:
    """Per manager and skill: (manager, department, skill, ratings, their average level, the organisation's average
    for the same roles, difference, verdict) — two queries (three without `names`).

    A rating is a skill's level in a submitted manager's assessment in the period. The comparison
    is like for like: for each role profile (the rated person's current one) the manager's ratings
    are set against everyone's ratings of people in that profile, weighted by how many the
    manager made. Ratings of people in scope only; the organisation's average is over everyone.
    Rows with fewer than MIN_RATINGS ratings say so instead of a verdict. Largest differences first.
    """
    names = skill_names() if names is None else names
    results = SkillResult.objects.filter(
        filters.datetime_q("assessment__submitted_at"),
        level__isnull=False,
        assessment__kind=Assessment.Kind.MANAGER,
        assessment__status=Assessment.Status.SUBMITTED,
    ).order_by()
    if filters.skill_key:
        results = results.filter(skill__key=filters.skill_key)
    profile = "assessment__person__role__current_profile_id"
    # One pass over the ratings: everyone's per (rater, skill, profile), and the part about people in scope.
    in_scope = Q(assessment__person__in=filters.people(user))
    grouped = results.values_list("assessment__assessor_id", "skill__key", profile).annotate(
        n_all=Count("pk"), total_all=Sum("level"), n=Count("pk", filter=in_scope), total=Sum("level", filter=in_scope)
    )
    # Tuples, not dicts: tens of thousands of groups on a large organisation.
    baseline: dict[tuple[str, int | None], list[int]] = {}
    mine = []
    for assessor, key, profile_id, n_all, total_all, n, total in grouped:
        figures = baseline.setdefault((key, profile_id), [0, 0])
        figures[0] += n_all
        figures[1] += total_all
        if n:
            mine.append((assessor, key, profile_id, n, total))
    merged: dict[tuple[int, str], list] = {}
    for assessor, key, profile_id, n, total in mine:
        n_all, total_all = baseline[(key, profile_id)]
        figures = merged.setdefault((assessor, key), [0, 0, 0.0])
        figures[0] += n
        figures[1] += total
        figures[2] += n * total_all / n_all
    raters = {
        user_id: (name, department)
        for user_id, name, department in Person.objects.filter(
            user_id__in={assessor for assessor, _ in merged}
        ).values_list("user_id", "full_name", "department__name")
    }
    rows = []
    for (assessor, key), (n, total, expected_total) in merged.items():
        name, department = raters.get(assessor, ("(account without a person)", None))
        theirs, expected = total / n, expected_total / n
        difference = round(theirs - expected, 2)
        if n < MIN_RATINGS:
            verdict = TOO_FEW
        elif difference >= MARKED_DIFFERENCE:
            verdict = LENIENT
        elif difference <= -MARKED_DIFFERENCE:
            verdict = HARSH
        else:
            verdict = IN_LINE
        skill = names.get(key, {"name": key})["name"]
        rows.append(
            (name, department_name(department), skill, n, round(theirs, 2), round(expected, 2), difference, verdict)
        )
    rows.sort(key=lambda r: (r[7] == TOO_FEW, -abs(r[6]), r[0], r[2]))
    return rows


# --- filter choices -------------------------------------------------------------------------------------------------
