"""Writes for a plan's content and lifecycle: create, goals, agreement and revisions, ending.

Who may do what (checked here, whatever the caller):
- the manager side: anyone above the person in the chain may edit the plan;
  the manager's confirmation must come from the person's own manager;
- the person: confirms, marks learning done, reflects on practice, comments;
  never changes goals.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assessments.models import Assessment, Level, RoleProfile, Skill
from assessments.selectors import current_rubric
from catalog.models import Course
from devplans import selectors
from devplans.models import Goal, LearningItem, Plan, PlanEvent, PlanRevision, PracticeItem
from people.models import Person
from skillbridge.data_cache import data_changed

from .confirmation_emails import tell_the_other_side
from .timeline import bump, diff, lock, name_of, record, show, stale

DEFAULT_GOAL_WEEKS = 12
DEFAULT_COURSE_WEEKS = 6


def _today():
    return timezone.localdate()


def require_manager(plan: Plan, by) -> None:
    if not selectors.may_manage(by, plan.person):
        raise ValidationError(f"Only {plan.person.full_name}'s manager can do that.")


def require_owner(plan: Plan, by) -> None:
    if not selectors.is_own(by, plan):
        raise ValidationError(f"Only {plan.person.full_name} can do that.")


def require_open(plan: Plan) -> None:
    if not plan.is_open:
        raise ValidationError(f"This plan is {plan.get_status_display().lower()} and can no longer change.")


def check_due_date(due_on, *, label="The due date") -> None:
    if due_on is not None and due_on < _today():
        raise ValidationError(f"{label} is in the past; choose today or a later day.")


def _current_skill(skill: Skill) -> Skill:
    rubric = current_rubric()
    if rubric is None or skill.rubric_version_id != rubric.pk:
        raise ValidationError(f"“{skill.name}” is not a skill of the rubric in force; choose one from the list.")
    return skill


def _plan_for_update(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("person__user", "person__manager__user")
        .get(pk=plan.pk)
    )


# --- creating ---------------------------------------


@transaction.atomic
def create_plan(
    *,
    person: Person,
    by,
    career_goal: str = "",
    target_role: RoleProfile | None = None,
    cadence_weeks: int = 4,
    template=None,
    source_assessment: Assessment | None = None,
) -> Plan:
    """A draft plan for someone in the acting manager's chain (refused if they already have an open one)."""
    if not selectors.may_manage(by, person):
        raise ValidationError(f"Only {person.full_name}'s manager can start a plan for them.")
    if not person.is_active:
        raise ValidationError(f"{person.full_name} has left; no new plan can start.")
    if selectors.open_plan_for(person) is not None:
        raise ValidationError(f"{person.full_name} already has a plan; open it to change it.")
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                person=person,
                created_by=by,
                career_goal=career_goal.strip(),
                target_role=target_role,
                cadence_weeks=cadence_weeks,
                template=template,
                source_assessment=source_assessment,
            )
    except IntegrityError as error:  # a double click created it a moment ago
        raise ValidationError(f"{person.full_name} already has a plan; open it to change it.") from error
    PlanRevision.objects.create(plan=plan, number=1, created_by=by)
    record(plan, by=by, kind=PlanEvent.Kind.CREATED, summary=f"{name_of(by)} started the plan.", row=plan)
    return plan


def outcome_text(skill: Skill, target: int) -> str:
    """A measurable outcome in plain words: the rubric's own words for the target level."""
    label = Level(target).label
    descriptor = {level: text for level, _, text in skill.level_descriptors}.get(target, "")
    return f"Seen at level {target} ({label}) at the next assessment: {descriptor}".strip()


def create_plan_from_gaps(*, person: Person, by, skill_keys=None) -> Plan:
    """A plan with goals for the person's chosen gaps and their best courses; see services/from_gaps.py.

    skill_keys None takes the gaps ticked by default (the three biggest and every high-impact one). With an
    open plan, the goals it lacks are added to it. Kept here for callers that only want the plan (the demo).
    """
    from .from_gaps import plan_from_gaps

    return plan_from_gaps(person=person, by=by, skill_keys=skill_keys).plan


# --- the plan itself ---------------------------------------


PLAN_LABELS = {"career_goal": "Career goal", "target_role": "Target role", "cadence_weeks": "Check-ins"}


@transaction.atomic
def update_plan(
    *, plan: Plan, by, expected_version: int, career_goal: str, target_role: RoleProfile | None, cadence_weeks: int
) -> Plan:
    """Change the career goal, target role or check-in cadence. After agreement, a new revision."""
    require_manager(plan, by)
    plan = lock(Plan, plan.pk, expected_version=expected_version, what="this plan")
    require_open(plan)
    before = {
        "career_goal": plan.career_goal,
        "target_role": plan.target_role,
        "cadence_weeks": plan.get_cadence_weeks_display(),
    }
    plan.career_goal, plan.target_role, plan.cadence_weeks = career_goal.strip(), target_role, cadence_weeks
    after = {
        "career_goal": plan.career_goal,
        "target_role": plan.target_role,
        "cadence_weeks": plan.get_cadence_weeks_display(),
    }
    changes = diff(before, after, PLAN_LABELS)
    if not changes:
        return plan
    plan.save(update_fields=["career_goal", "target_role", "cadence_weeks", "updated_at"])
    bump(plan)
    # How often to meet is not part of what is agreed; the career goal and target role are.
    _content_changed(plan, by=by, changes=changes, agreed_matters=any(c[0] != "Check-ins" for c in changes))
    record(
        plan, by=by, kind=PlanEvent.Kind.EDITED, summary=f"{name_of(by)} changed the plan.", row=plan, changes=changes
    )
    return plan


def _content_changed(plan: Plan, *, by, changes, agreed_matters: bool = True) -> None:
    """Goals changed: in a draft, earlier confirmations no longer count; after agreement, a new revision opens."""
    if not agreed_matters:
        return
    # What both sides agree to changed: a confirmation from a page opened before this is stale.
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
    plan.version += 1
    if plan.agreed_revision == plan.revision:
        plan.revision += 1
        Plan.objects.filter(pk=plan.pk).update(revision=plan.revision)
        PlanRevision.objects.create(plan=plan, number=plan.revision, created_by=by, changes=list(changes))
        record(
            plan,
            by=by,
            kind=PlanEvent.Kind.REVISION,
            summary=f"Revision {plan.revision} opened: the goals changed after agreement, so both confirm again.",
        )
        return
    current = PlanRevision.objects.select_for_update().get(plan=plan, number=plan.revision)
    current.changes = [*current.changes, *changes]
    current.manager_confirmed_at = current.manager_confirmed_by = current.employee_confirmed_at = None
    # Whoever was told of a confirmation that no longer counts is told again when it is given again.
    current.manager_told = current.employee_told = None
    current.save(
        update_fields=[
            "changes",
            "manager_confirmed_at",
            "manager_confirmed_by",
            "employee_confirmed_at",
            "manager_told",
            "employee_told",
        ]
    )


# --- goals ---------------------------------------

GOAL_LABELS = {"target_level": "Target level", "outcome": "Outcome", "due_on": "Due"}


@transaction.atomic
def add_goal(
    *, plan: Plan, by, skill: Skill, target_level: int, outcome: str, due_on, source_result=None, start_level=None
) -> Goal:
    require_manager(plan, by)
    plan = _plan_for_update(plan)
    require_open(plan)
    _current_skill(skill)
    if not 1 <= int(target_level) <= 4:
        raise ValidationError("The target level must be between 1 (Not yet) and 4 (Role model).")
    if not outcome.strip():
        raise ValidationError("Say what will be different when the goal is met.")
    check_due_date(due_on)
    if plan.goals.filter(skill__key=skill.key).exists():
        raise ValidationError(f"The plan already has a goal for {skill.name}; change that one instead.")
    goal = Goal.objects.create(
        plan=plan,
        skill=skill,
        target_level=target_level,
        outcome=outcome.strip(),
        due_on=due_on,
        source_result=source_result,
        start_level=start_level,
        order=plan.goals.count(),
    )
    line = [f"Goal: {skill.name}", "—", f"level {target_level} by {show(due_on)}"]
    _content_changed(plan, by=by, changes=[line])
    record(plan, by=by, kind=PlanEvent.Kind.GOAL_ADDED, summary=f"{name_of(by)} added the goal {skill.name}.", row=goal)
    return goal


@transaction.atomic
def change_goal(*, goal: Goal, by, expected_version: int, target_level: int, outcome: str, due_on) -> Goal:
    require_manager(goal.plan, by)
    goal = lock(Goal, goal.pk, expected_version=expected_version, what=f"the goal {goal.skill.name}")
    plan = _plan_for_update(goal.plan)
    require_open(plan)
    if not 1 <= int(target_level) <= 4:
        raise ValidationError("The target level must be between 1 (Not yet) and 4 (Role model).")
    if not outcome.strip():
        raise ValidationError("Say what will be different when the goal is met.")
    if due_on != goal.due_on:
        check_due_date(due_on)
    before = {"target_level": goal.target_level, "outcome": goal.outcome, "due_on": goal.due_on}
    goal.target_level, goal.outcome, goal.due_on = target_level, outcome.strip(), due_on
    changes = diff(before, {"target_level": target_level, "outcome": goal.outcome, "due_on": due_on}, GOAL_LABELS)
    if not changes:
        return goal
    goal.save(update_fields=["target_level", "outcome", "due_on"])
    bump(goal)
    _content_changed(plan, by=by, changes=[[f"{goal.skill.name}: {c[0]}", c[1], c[2]] for c in changes])
    record(
        plan,
        by=by,
        kind=PlanEvent.Kind.GOAL_CHANGED,
        summary=f"{name_of(by)} changed the goal {goal.skill.name}.",
        row=goal,
        changes=changes,
    )
    return goal


@transaction.atomic
def remove_goal(*, goal: Goal, by, expected_version: int) -> None:
    require_manager(goal.plan, by)
    goal = lock(Goal, goal.pk, expected_version=expected_version, what=f"the goal {goal.skill.name}")
    plan = _plan_for_update(goal.plan)
    require_open(plan)
    name = goal.skill.name
    bump(goal)
    record(plan, by=by, kind=PlanEvent.Kind.GOAL_REMOVED, summary=f"{name_of(by)} removed the goal {name}.", row=goal)
    goal.delete()
    _content_changed(plan, by=by, changes=[[f"Goal: {name}", "in the plan", "removed"]])


# --- agreement ---------------------------------------


def snapshot(plan: Plan) -> dict:
    """What both sides agreed to: the goals, courses and practice as they stand."""
    return {
        "career_goal": plan.career_goal,
        "target_role": plan.target_role.name if plan.target_role else "",
        "cadence": plan.get_cadence_weeks_display(),
        "goals": [
            {
                "skill": g.skill.name,
                "target_level": g.target_level,
                "outcome": g.outcome,
                "due_on": g.due_on.isoformat(),
            }
            for g in plan.goals.select_related("skill")
        ],
        "learning": [i.course.title for i in plan.learning_items.select_related("course")],
        "practice": [p.description for p in plan.practice_items.all()],
    }


@transaction.atomic
def confirm_plan(*, plan: Plan, by, revision: int, expected_version: int | None = None) -> Plan:
    """The person or their manager confirms the current revision; both confirmations agree it.

    expected_version is the plan's version on the page the confirmation came from: if what is
    agreed changed since (even within the same draft revision), the confirmation is refused.
    """
    plan = _plan_for_update(plan)
    require_open(plan)
    if expected_version is not None and expected_version != plan.version:
        raise stale(Plan, plan.pk, expected_version=expected_version, what="the plan")
    if revision != plan.revision:
        raise ValidationError(
            f"The plan changed after you opened it: revision {plan.revision} is now up for agreement. "
            "Read it again, then confirm."
        )
    if not plan.awaits_agreement:
        raise ValidationError("This revision is already agreed.")
    current = PlanRevision.objects.select_for_update().get(plan=plan, number=plan.revision)
    now = timezone.now()
    by_person = selectors.is_own(by, plan)
    if by_person:
        if current.employee_confirmed_at:
            raise ValidationError("You have already confirmed this revision.")
        current.employee_confirmed_at = now
        side = "the person"
    elif selectors.is_direct_manager(by, plan.person):
        if current.manager_confirmed_at:
            raise ValidationError("You have already confirmed this revision.")
        current.manager_confirmed_at, current.manager_confirmed_by = now, by
        side = "the manager"
    else:
        manager = plan.person.manager.full_name if plan.person.manager else "their manager"
        raise ValidationError(f"Only {plan.person.full_name} and {manager} can confirm this plan.")
    if not plan.goals.exists():
        raise ValidationError("Add at least one goal before the plan is agreed.")
    current.save(update_fields=["employee_confirmed_at", "manager_confirmed_at", "manager_confirmed_by"])
    record(
        plan,
        by=by,
        kind=PlanEvent.Kind.CONFIRMED,
        summary=f"{name_of(by)} confirmed revision {plan.revision} for {side}.",
    )
    if current.is_agreed:
        _agree(plan, current, by=by)
    # The other side is told (an e-mail through the outbox, in this transaction); their start page shows it too.
    tell_the_other_side(plan=plan, revision=current, by_person=by_person)
    return plan


def _agree(plan: Plan, current: PlanRevision, *, by) -> None:
    from .checkins import schedule_checkin

    current.snapshot = snapshot(plan)
    current.save(update_fields=["snapshot"])
    plan.agreed_revision = plan.revision
    fields = ["agreed_revision", "updated_at"]
    if plan.is_draft:
        plan.status = Plan.Status.AGREED
        plan.agreed_at = timezone.now()
        fields += ["status", "agreed_at"]
    plan.save(update_fields=fields)
    bump(plan)
    record(plan, by=by, kind=PlanEvent.Kind.AGREED, summary=f"Revision {plan.revision} agreed by both.", row=plan)
    if not plan.checkins.filter(status="scheduled").exists():
        schedule_checkin(plan=plan, by=by, on=_today() + timedelta(weeks=plan.cadence_weeks))


def activate(plan: Plan) -> None:
    """An agreed plan becomes active once work on it starts (a course begun, practice, a check-in)."""
    if plan.status == Plan.Status.AGREED:
        Plan.objects.filter(pk=plan.pk, status=Plan.Status.AGREED).update(status=Plan.Status.ACTIVE)
        data_changed()  # bulk writes send no save signal (skillbridge/data_cache.py)
        plan.status = Plan.Status.ACTIVE


# --- ending ---------------------------------------


@transaction.atomic
def end_plan(*, plan: Plan, by, status: str, reason: str = "") -> Plan:
    """Completed (the goals are met) or closed with a reason (the person moved on, the plan no longer fits)."""
    require_manager(plan, by)
    plan = _plan_for_update(plan)
    require_open(plan)
    if status not in (Plan.Status.COMPLETED, Plan.Status.CLOSED):
        raise ValidationError("A plan ends as completed or closed.")
    if status == Plan.Status.CLOSED and not reason.strip():
        raise ValidationError("Say why the plan is closed.")
    if status == Plan.Status.COMPLETED and plan.agreed_revision is None:
        raise ValidationError("A plan that was never agreed cannot be completed; close it with a reason instead.")
    plan.status, plan.ended_at, plan.end_reason = status, timezone.now(), reason.strip()
    plan.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
    bump(plan)
    plan.checkins.filter(status="scheduled").update(status="cancelled")
    summary = f"{name_of(by)} marked the plan {plan.get_status_display().lower()}."
    record(
        plan, by=by, kind=PlanEvent.Kind.ENDED, summary=summary + (f" {plan.end_reason}" if reason else ""), row=plan
    )
    return plan


# --- learning and practice ---------------------------------------


def _content_changed_in_draft(plan: Plan, *, by, line) -> None:
    """Courses and practice are part of what is agreed in a draft; after agreement they are just logged."""
    if plan.agreed_revision is None:
        _content_changed(plan, by=by, changes=[line])


@transaction.atomic
def add_learning_item(
    *, plan: Plan, by, course: Course, goal: Goal | None = None, due_on=None, reason=""
) -> LearningItem:
    require_manager(plan, by)
    plan = _plan_for_update(plan)
    require_open(plan)
    if not course.is_active:
        raise ValidationError(f"“{course.title}” is retired and no longer offered.")
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError("That goal belongs to another plan.")
    check_due_date(due_on)
    if plan.learning_items.filter(course=course).exclude(status=LearningItem.Status.DROPPED).exists():
        raise ValidationError(f"“{course.title}” is already in the plan.")
    item = LearningItem.objects.create(
        plan=plan, course=course, goal=goal, due_on=due_on, reason=reason[:300], order=plan.learning_items.count()
    )
    _content_changed_in_draft(plan, by=by, line=["Course", "—", course.title])
    record(
        plan,
        by=by,
        kind=PlanEvent.Kind.LEARNING_ADDED,
        summary=f"{name_of(by)} added the course {course.title}.",
        row=item,
    )
    return item


@transaction.atomic
def add_practice_item(*, plan: Plan, by, description: str, goal: Goal | None = None, due_on=None) -> PracticeItem:
    require_manager(plan, by)
    plan = _plan_for_update(plan)
    require_open(plan)
    if not description.strip():
        raise ValidationError("Describe the assignment, e.g. “run the Monday stand-up for four weeks”.")
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError("That goal belongs to another plan.")
    check_due_date(due_on)
    item = PracticeItem.objects.create(
        plan=plan, goal=goal, description=description.strip()[:300], due_on=due_on, order=plan.practice_items.count()
    )
    _content_changed_in_draft(plan, by=by, line=["Practice", "—", item.description])
    record(
        plan,
        by=by,
        kind=PlanEvent.Kind.PRACTICE_ADDED,
        summary=f"{name_of(by)} added the practice “{item.description}”.",
        row=item,
    )
    return item
