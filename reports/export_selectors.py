"""The raw datasets HR and managers can export, their documented columns, and the export log and jobs.

Each Dataset says which model it reads, how a row reaches the person it is
about (`person_path`), which columns it has (header, field, plain description)
and which date and skill the shared filters narrow it by. `rows(user, filters)`
returns a values_list queryset, already limited to the people the user may
report on (reports.filters.ReportFilters.people): HR and administrators see the
whole organisation, a manager their own chain, L&D and employees nobody (their
views refuse before asking). Rows are read with `.iterator(chunk_size=2000)`, a
server-side cursor on PostgreSQL, so memory stays flat however many there are.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from assessments.models import Assessment, Rating, SkillResult
from devplans.models import CheckIn, Goal, LearningItem, Plan, PracticeItem, SurveyAnswer
from people.models import Person
from people.selectors import roles_for

from .filters import HR, MANAGER, ReportFilters
from .models import ExportJob, ExportLog

ITERATOR_CHUNK = 2000
# Who may export raw (individual-level) data: HR and administrators for the organisation, managers for their chain.
INDIVIDUAL_VIEWERS = (HR, MANAGER)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    description: str


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    description: str
    model: type
    person_path: str  # from a row to its Person, e.g. "assessment__person"
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]
    date_field: str = ""
    date_is_datetime: bool = False
    date_label: str = ""
    skill_field: str = ""
    where: Q = field(default_factory=Q)

    @property
    def header(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def filter_notes(self) -> str:
        """What the shared filters narrow this dataset by, in words."""
        notes = ["Department and manager: the people the rows are about."]
        notes.append(f"Dates: {self.date_label}." if self.date_field else "Dates: not used.")
        notes.append("Skill: used." if self.skill_field else "Skill: not used.")
        return " ".join(notes)

    def queryset(self, user, filters: ReportFilters) -> QuerySet:
        rows = self.model.objects.filter(self.where)
        viewer = filters.viewer(user)
        if viewer not in INDIVIDUAL_VIEWERS:
            return rows.none()
        narrowed = filters.department is not None or filters.manager is not None
        if viewer != HR or narrowed:
            people = filters.people(user, include_left=True).values("pk")
            rows = rows.filter(**{f"{self.person_path}__in" if self.person_path else "pk__in": people})
        if self.date_field:
            dates = filters.datetime_q if self.date_is_datetime else filters.date_q
            rows = rows.filter(dates(self.date_field))
        if self.skill_field and filters.skill_key:
            rows = rows.filter(**{self.skill_field: filters.skill_key})
        return rows

    def rows(self, user, filters: ReportFilters) -> QuerySet:
        """The rows as tuples in column order (a values_list queryset; iterate it with .iterator())."""
        return self.queryset(user, filters).order_by(*self.order_by).values_list(*(c.field for c in self.columns))

    def count(self, user, filters: ReportFilters) -> int:
        return self.queryset(user, filters).count()


def _person_columns(path: str) -> tuple[Column, ...]:
    prefix = f"{path}__" if path else ""
    return (
        Column("employee_number", f"{prefix}employee_number", "The person's employee number."),
        Column("person", f"{prefix}full_name", "The person's full name."),
        Column("department", f"{prefix}department__name", "The person's department now (empty if none)."),
    )


SUBMITTED = Q(status=Assessment.Status.SUBMITTED)

DATASETS: dict[str, Dataset] = {
    dataset.key: dataset
    for dataset in [
        Dataset(
            key="people",
            title="People",
            description="One row per person, people who left included, with their manager and role.",
            model=Person,
            person_path="",
            columns=(
                Column("employee_number", "employee_number", "The person's employee number."),
                Column("person", "full_name", "Full name."),
                Column("email", "user__email", "E-mail address of their account."),
                Column("job_title", "job_title", "Job title."),
                Column("department", "department__name", "Department (empty if none)."),
                Column("manager_employee_number", "manager__employee_number", "Their manager's employee number."),
                Column("manager", "manager__full_name", "Their manager's name."),
                Column("active", "is_active", "yes while they work here, no once they have left."),
                Column("left_on", "left_on", "The day they left (ISO date), empty while active."),
                Column("current_role", "role__current_profile__name", "Their current role profile, if set."),
                Column("target_role", "role__target_profile__name", "The role they aim for, if set."),
            ),
            order_by=("employee_number",),
        ),
        Dataset(
            key="ratings",
            title="Assessments with ratings",
            description="One row per behaviour rated in a submitted assessment (manager's or self-assessment). "
            "A behaviour that was not observed has no row.",
            model=Rating,
            person_path="assessment__person",
            columns=(
                Column("assessment_id", "assessment_id", "The assessment's number; rows of one assessment share it."),
                *_person_columns("assessment__person"),
                Column("kind", "assessment__kind", "manager (a manager's assessment) or self (a self-assessment)."),
                Column("submitted_at", "assessment__submitted_at", "When it was submitted (ISO 8601, UTC)."),
                Column("assessor_email", "assessment__assessor__email", "Who made the assessment."),
                Column("rubric_version", "assessment__rubric_version__number", "The rubric version it was made with."),
                Column("skill_key", "behaviour__skill__key", "The skill's stable short name."),
                Column("skill", "behaviour__skill__name", "The skill's name."),
                Column("behaviour", "behaviour__text", "The behaviour rated."),
                Column("behaviour_kind", "behaviour__kind", "warning (a sign of a need) or strength."),
                Column(
                    "frequency",
                    "frequency",
                    "How often it was seen: 0 never, 1 rarely, 2 sometimes, 3 often, 4 always.",
                ),
            ),
            order_by=("assessment_id", "behaviour_id"),
            date_field="assessment__submitted_at",
            date_is_datetime=True,
            date_label="the day the assessment was submitted",
            skill_field="behaviour__skill__key",
            where=Q(assessment__status=Assessment.Status.SUBMITTED),
        ),
        Dataset(
            key="gaps",
            title="Skill results and gaps",
            description="One row per skill of a submitted assessment: the level seen, the target, the gap, "
            "the triage answers and the manager's notes.",
            model=SkillResult,
            person_path="assessment__person",
            columns=(
                Column("assessment_id", "assessment_id", "The assessment's number."),
                *_person_columns("assessment__person"),
                Column("kind", "assessment__kind", "manager or self."),
                Column("submitted_at", "assessment__submitted_at", "When it was submitted (ISO 8601, UTC)."),
                Column("skill_key", "skill__key", "The skill's stable short name."),
                Column("skill", "skill__name", "The skill's name."),
                Column("level", "level", "Level seen, 1 (not yet) to 4 (role model); empty if not enough was seen."),
                Column("target", "target", "Level the role needs, 1 to 4."),
                Column("gap", "gap", "Target minus level (0 when there is no gap)."),
                Column("priority", "priority", "The gap weighted by the triage answers; higher comes first."),
                Column("mistake_frequency", "mistake_frequency", "Triage: 1 a few times a year … 4 most days."),
                Column("impact", "impact", "Triage: business impact, 1 low, 2 medium, 3 high."),
                Column("mistakes", "mistakes", "Triage: the mistakes observed, as written."),
                Column("note", "note", "The assessor's note on this skill."),
            ),
            order_by=("assessment_id", "skill__order", "skill_id"),
            date_field="assessment__submitted_at",
            date_is_datetime=True,
            date_label="the day the assessment was submitted",
            skill_field="skill__key",
            where=Q(assessment__status=Assessment.Status.SUBMITTED),
        ),
        Dataset(
            key="plans",
            title="Development plans",
            description="One row per development plan, open or ended.",
            model=Plan,
            person_path="person",
            columns=(
                Column("plan_id", "id", "The plan's number."),
                *_person_columns("person"),
                Column("status", "status", "draft, agreed, active, completed or closed."),
                Column("career_goal", "career_goal", "The career goal, in the person's words."),
                Column("target_role", "target_role__name", "The role profile the plan aims at, if any."),
                Column("cadence_weeks", "cadence_weeks", "Weeks between check-ins."),
                Column("revision", "revision", "The revision being worked on."),
                Column("agreed_revision", "agreed_revision", "The last revision both sides agreed (empty if none)."),
                Column("created_at", "created_at", "When the plan was started (ISO 8601, UTC)."),
                Column("agreed_at", "agreed_at", "When it was first agreed (ISO 8601, UTC)."),
                Column("ended_at", "ended_at", "When it was completed or closed (ISO 8601, UTC)."),
                Column("end_reason", "end_reason", "Why it ended, as written."),
            ),
            order_by=("id",),
            date_field="created_at",
            date_is_datetime=True,
            date_label="the day the plan was started",
        ),
        Dataset(
            key="goals",
            title="Plan goals",
            description="One row per goal of a plan: the skill, the level to reach, the outcome and progress.",
            model=Goal,
            person_path="plan__person",
            columns=(
                Column("goal_id", "id", "The goal's number."),
                Column("plan_id", "plan_id", "The plan it belongs to."),
                *_person_columns("plan__person"),
                Column("skill_key", "skill__key", "The skill's stable short name."),
                Column("start_level", "start_level", "Level when the goal was set (1-4), if known."),
                Column("target_level", "target_level", "Level to reach (1-4)."),
                Column("outcome", "outcome", "The measurable outcome, as written."),
                Column("due_on", "due_on", "Due date (ISO date)."),
                Column("progress", "progress", "not_started, started, on_track, behind or achieved."),
            ),
            order_by=("plan_id", "order", "id"),
            date_field="due_on",
            date_label="the goal's due date",
            skill_field="skill__key",
        ),
        Dataset(
            key="learning_items",
            title="Plan courses (learning items)",
            description="One row per catalog course in a plan, with where it stands.",
            model=LearningItem,
            person_path="plan__person",
            columns=(
                Column("item_id", "id", "The learning item's number."),
                Column("plan_id", "plan_id", "The plan it belongs to."),
                *_person_columns("plan__person"),
                Column("course_code", "course__code", "The course's code in the catalog."),
                Column("course", "course__title", "The course's title."),
                Column("skill_key", "goal__skill__key", "The skill of the goal it serves, if any."),
                Column("status", "status", "planned, in_progress, completed, postponed or dropped."),
                Column("due_on", "due_on", "Do-by date (ISO date)."),
                Column("completed_on", "completed_on", "The day it was completed (ISO date)."),
                Column("postponed_reason", "postponed_reason", "Why it was postponed, as written."),
                Column("employee_note", "employee_note", "What the person took from it."),
                Column("manager_observation", "manager_observation", "The change the manager has seen since."),
            ),
            order_by=("plan_id", "order", "id"),
            date_field="created_at",
            date_is_datetime=True,
            date_label="the day the course was added to the plan",
            skill_field="goal__skill__key",
        ),
        Dataset(
            key="practice_items",
            title="Plan practice (on-the-job assignments)",
            description="One row per safe-to-fail assignment in a plan, with the reflection and feedback.",
            model=PracticeItem,
            person_path="plan__person",
            columns=(
                Column("item_id", "id", "The practice item's number."),
                Column("plan_id", "plan_id", "The plan it belongs to."),
                *_person_columns("plan__person"),
                Column("assignment", "description", "The assignment."),
                Column("skill_key", "goal__skill__key", "The skill of the goal it serves, if any."),
                Column("status", "status", "planned, in_progress, done or dropped."),
                Column("due_on", "due_on", "Do-by date (ISO date)."),
                Column("reflection", "reflection", "How it went, in the person's words."),
                Column("manager_feedback", "manager_feedback", "The manager's feedback."),
            ),
            order_by=("plan_id", "order", "id"),
            date_field="created_at",
            date_is_datetime=True,
            date_label="the day the assignment was added to the plan",
            skill_field="goal__skill__key",
        ),
        Dataset(
            key="checkins",
            title="Check-ins",
            description="One row per check-in, scheduled, held or cancelled.",
            model=CheckIn,
            person_path="plan__person",
            columns=(
                Column("checkin_id", "id", "The check-in's number."),
                Column("plan_id", "plan_id", "The plan it belongs to."),
                *_person_columns("plan__person"),
                Column("scheduled_for", "scheduled_for", "The day it was planned for (ISO date)."),
                Column("status", "status", "scheduled, held or cancelled."),
                Column("held_on", "held_on", "The day it was held (ISO date)."),
                Column("manager_feedback", "manager_feedback", "The manager's feedback."),
                Column("employee_comment", "employee_comment", "The person's comment."),
                Column("recorded_by", "recorded_by__email", "Who recorded it."),
            ),
            order_by=("scheduled_for", "id"),
            date_field="scheduled_for",
            date_label="the day the check-in was planned for",
        ),
        Dataset(
            key="survey_answers",
            title="Follow-up survey answers",
            description="One row per goal of an answered follow-up survey: the level seen now against the gap.",
            model=SurveyAnswer,
            person_path="survey__plan__person",
            columns=(
                Column("survey_id", "survey_id", "The survey's number."),
                Column("plan_id", "survey__plan_id", "The plan it follows up."),
                *_person_columns("survey__plan__person"),
                Column("answered_by", "survey__role", "manager or employee: which side answered."),
                Column("answered_at", "survey__answered_at", "When it was answered (ISO 8601, UTC)."),
                Column("skill_key", "goal__skill__key", "The goal's skill."),
                Column("level_before", "level_before", "Level when the gap was found (1-4), if known."),
                Column("target_level", "target_level", "Level to reach (1-4)."),
                Column("level_now", "level_now", "Level seen now (1-4)."),
                Column("impact", "impact", "none, some or clear business impact."),
                Column("outcome", "outcome", "gap_closed, improved or no_change."),
                Column("comment", "comment", "The comment, as written."),
            ),
            order_by=("survey_id", "goal__order", "goal_id"),
            date_field="survey__answered_at",
            date_is_datetime=True,
            date_label="the day the survey was answered",
            skill_field="goal__skill__key",
        ),
    ]
}


def may_export_individuals(user, filters: ReportFilters) -> bool:
    return filters.viewer(user) in INDIVIDUAL_VIEWERS


def export_log(*, user_id=None, since=None, until=None) -> QuerySet[ExportLog]:
    """The export log, newest first, optionally narrowed (callers check that the user is HR)."""
    entries = ExportLog.objects.all()
    if user_id is not None:
        entries = entries.filter(user_id=user_id)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    return entries


def log_users() -> QuerySet:
    """(id, label) of everyone who appears in the log, for the filter's choices."""
    return (
        ExportLog.objects.filter(user__isnull=False)
        .order_by("user_label")
        .values_list("user_id", "user_label")
        .distinct()
    )


def jobs_of(user, *, limit: int = 10) -> QuerySet[ExportJob]:
    """This user's own background exports, newest first."""
    return ExportJob.objects.filter(user=user)[:limit]


def job_for(user, pk: int) -> QuerySet[ExportJob]:
    """One background export, only for its owner: anyone else finds nothing (404)."""
    if not getattr(user, "is_authenticated", False):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(pk=pk, user=user)


def is_hr(user) -> bool:
    roles = roles_for(user)
    return roles.is_hr or roles.is_admin
