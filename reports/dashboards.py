"""The dashboards' reports: one registry shared by the dashboard page and the exports.

Each Report names its columns (with a plain-words description, shown on the page
as documentation of the export), says who may get it, and computes its rows as
SQL aggregates (reports/dashboard_selectors.py). The page renders each table
from these objects, so a table on screen and its CSV/XLSX export have the same
columns and the same figures.

Who may get what (`audience`; see ReportFilters.viewer):
- "hr": HR and administrators, organisation-wide, including rows per manager.
- "ld": L&D, organisation-wide, aggregates only (no row names a person).
- "manager": a manager, for their own chain only.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from . import dashboard_selectors as s
from .filters import HR, LD, MANAGER, ReportFilters

AGGREGATE = frozenset({HR, LD, MANAGER})
INDIVIDUAL = frozenset({HR, MANAGER})
HR_ONLY = frozenset({HR})


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    # (header, what the column means in plain words)
    columns: list[tuple[str, str]]
    audience: frozenset[str]
    compute: Callable[..., list[tuple]]
    description: str = ""
    # Whether rows name a person (a manager): never for L&D.
    is_individual: bool = False

    def allows(self, user, filters: ReportFilters) -> bool:
        viewer = filters.viewer(user)
        return viewer is not None and viewer in self.audience

    def rows(self, user, filters: ReportFilters, **context) -> Iterable[tuple]:
        """The report's rows for this user and these filters; PermissionDenied if the user may not have it."""
        if not self.allows(user, filters):
            raise PermissionDenied
        return self.compute(user, filters, **context)

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]


def _with_names(compute):
    """For computations that name skills: take the shared skill names (saves a query per report)."""

    def run(user, filters, names=None, **_):
        return compute(user, filters, names=names)

    return run


def _plain(compute):
    def run(user, filters, **_):
        return compute(user, filters)

    return run


_DEPARTMENT = ("Department", "The department of the people counted; “No department” if none is recorded.")
_OUTCOMES = [
    ("Answers", "Goals the manager answered a six-month follow-up survey about."),
    ("Gap closed", "Answers where the person now reaches the target level."),
    ("Improved", "Answers where the person rose at least one level but has not reached the target yet."),
    ("No change", "Answers where the level is the same as before."),
    ("Closed or improved (%)", "Gap closed plus improved, as a share of the answers."),
]

REPORTS: dict[str, Report] = {
    report.key: report
    for report in [
        Report(
            key="skill-gaps",
            title="Skill gaps by department",
            description="From each person's newest manager's assessment in the period.",
            columns=[
                _DEPARTMENT,
                ("Skill", "The soft skill, named as in the newest rubric."),
                ("People assessed", "Active people whose newest manager's assessment rated this skill."),
                ("People with a gap", "Of those, people below the level their role needs."),
                ("With a gap (%)", "People with a gap as a share of the people assessed."),
                ("Average gap (levels)", "The average number of levels below target, counting those with no gap as 0."),
            ],
            audience=AGGREGATE,
            compute=_with_names(s.skill_gaps),
        ),
        Report(
            key="coverage",
            title="Assessment coverage",
            description=(
                "Share of active people with a manager's assessment in the period (default: the last six months). "
                "The skill filter does not apply."
            ),
            columns=[
                _DEPARTMENT,
                ("People", "Active people."),
                ("Assessed in the period", "Of those, people with a submitted manager's assessment in the period."),
                ("Coverage (%)", "People assessed as a share of all active people."),
            ],
            audience=AGGREGATE,
            compute=_plain(s.coverage),
        ),
        Report(
            key="plan-funnel",
            title="Development plans",
            description=(
                "Where each active person's development plan stands (with dates: plans created in the period). "
                "The skill filter does not apply."
            ),
            columns=[
                _DEPARTMENT,
                ("People", "Active people."),
                ("No plan", "People with no open plan and no completed plan."),
                ("Draft", "People whose open plan is still a draft."),
                ("Agreed", "People whose plan both sides agreed, not started yet."),
                ("Active", "People working through an agreed plan."),
                ("Completed", "People with no open plan whose last plan was completed."),
            ],
            audience=AGGREGATE,
            compute=_plain(s.plan_funnel),
        ),
        Report(
            key="learning",
            title="Learning completion",
            description="Courses in development plans (with dates: added to a plan in the period).",
            columns=[
                _DEPARTMENT,
                ("Courses in plans", "Courses added to the plans of the department's active people."),
                ("Completed", "Courses marked completed."),
                ("In progress", "Courses started and not finished."),
                ("Planned", "Courses not started yet."),
                ("Postponed", "Courses put off for now."),
                ("Dropped", "Courses taken out of the plan."),
                ("Completion (%)", "Completed as a share of the courses not dropped."),
            ],
            audience=AGGREGATE,
            compute=_plain(s.learning_completion),
        ),
        Report(
            key="outcomes-by-skill",
            title="Follow-up outcomes by skill",
            description="What managers see six months after a plan was agreed (answered in the period).",
            columns=[("Skill", "The goal's soft skill."), *_OUTCOMES],
            audience=AGGREGATE,
            compute=_with_names(s.outcomes_by_skill),
        ),
        Report(
            key="outcomes-by-course",
            title="Follow-up outcomes by course",
            description="The same answers, for each course completed toward the goal.",
            columns=[("Course", "A catalog course completed toward the goal the answer is about."), *_OUTCOMES],
            audience=AGGREGATE,
            compute=_plain(s.outcomes_by_course),
        ),
        Report(
            key="costs",
            title="Training cost",
            description="The catalog cost of courses completed in the period, and the gaps closed.",
            columns=[
                _DEPARTMENT,
                ("Currency", "The currency of the courses' cost."),
                ("Courses completed", "Courses completed in the period."),
                ("Training cost", "The sum of those courses' catalog cost."),
                ("Gaps closed", "Follow-up answers in the period that say the gap closed."),
                ("Cost per closed gap", "Training cost divided by gaps closed; empty when none closed."),
            ],
            audience=AGGREGATE,
            compute=_plain(s.costs),
        ),
        Report(
            key="leaderboard",
            title="Managers",
            description=(
                "How each manager's direct reports are doing, best first. The skill filter applies to courses only."
            ),
            columns=[
                ("Manager", "The manager of the people counted."),
                _DEPARTMENT,
                ("Direct reports", "The manager's active direct reports."),
                ("Assessed", "Of those, people with a manager's assessment in the period (default: last six months)."),
                ("Coverage (%)", "Assessed as a share of direct reports."),
                ("Check-ins due", "Check-ins due by today in the period (cancelled ones not counted)."),
                ("Held on time", "Of those, check-ins held within a week of the day they were due."),
                ("On time (%)", "Held on time as a share of check-ins due."),
                ("Courses", "Courses in the direct reports' plans, not counting dropped ones."),
                ("Completed", "Of those, courses completed."),
                ("Completion (%)", "Completed as a share of courses."),
            ],
            audience=INDIVIDUAL,
            compute=_plain(s.leaderboard),
            is_individual=True,
        ),
        Report(
            key="calibration",
            title="Rater calibration",
            description=(
                "Each manager's average rating per skill against everyone's ratings of people in the same role "
                f"profile. A difference of {s.MARKED_DIFFERENCE} levels or more is marked; with fewer than "
                f"{s.MIN_RATINGS} ratings there is too little to judge."
            ),
            columns=[
                ("Manager", "The manager who made the ratings."),
                _DEPARTMENT,
                ("Skill", "The soft skill rated."),
                ("Ratings", "Submitted manager's assessments in the period that rated this skill."),
                ("Their average level", "The manager's average level for the skill (1 Not yet to 4 Role model)."),
                (
                    "Organisation's average",
                    "Everyone's average for people in the same role profiles, weighted like the manager's ratings.",
                ),
                ("Difference", "Their average minus the organisation's: above 0 rates higher, below 0 lower."),
                ("Verdict", "In line, rates higher or lower than others, or too few ratings to judge."),
            ],
            audience=HR_ONLY,
            compute=_with_names(s.calibration),
            is_individual=True,
        ),
    ]
}

DASHBOARD_KEYS = [
    "skill-gaps",
    "coverage",
    "plan-funnel",
    "learning",
    "outcomes-by-skill",
    "outcomes-by-course",
    "costs",
    "leaderboard",
]


def reports_for(user, filters: ReportFilters, keys: Iterable[str] = DASHBOARD_KEYS) -> list[Report]:
    return [REPORTS[key] for key in keys if REPORTS[key].allows(user, filters)]


def compute_rows(user, filters: ReportFilters, reports: list[Report], names: dict | None = None) -> dict:
    """{report key: rows} for every report, sharing one query for the skills' names."""
    names = s.skill_names() if names is None else names
    return {report.key: list(report.rows(user, filters, names=names)) for report in reports}
