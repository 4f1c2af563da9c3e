"""Plan templates: L&D or HR define a starting plan per role profile; a manager applies it to people.

One topic, so its reads (scoped to the acting user) and writes (one function per business action,
keyword-only, atomic, raising ValidationError with a message a person can read) live together here.
Applying a template creates and fills plans only through devplans.services.plans, so the plan's
rules (who may change it, no due date in the past, its timeline) hold whatever the caller.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import Level, Skill
from assessments.selectors import assessable_people
from catalog.models import Course
from people.models import Person
from people.selectors import roles_for

from . import selectors
from .models import OPEN_STATUSES, Cadence, Plan, PlanTemplate, TemplateCourse, TemplateGoal, TemplatePractice
from .services import plans as plan_services

LEVEL_CHOICES = [(level.value, f"{level.value} · {level.label}") for level in Level]
LEVEL_NAMES = dict(LEVEL_CHOICES)


# --- reads -----------------------------------------------------------------------------------------


def may_curate(user) -> bool:
    """L&D, HR and administrators define templates."""
    roles = roles_for(user)
    return roles.is_ld or roles.is_hr or roles.is_admin


def _count(model) -> Coalesce:
    """How many rows of `model` a template has, as a correlated subquery (no JOIN fan-out)."""
    rows = model.objects.filter(template=OuterRef("pk")).order_by().values("template").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")), 0)


def templates_for(user) -> QuerySet[PlanTemplate]:
    """Every template for L&D, HR and admins; the offered ones for managers; none for anyone else."""
    if may_curate(user):
        templates = PlanTemplate.objects.all()
    elif roles_for(user).is_manager:
        templates = PlanTemplate.objects.filter(is_active=True)
    else:
        return PlanTemplate.objects.none()
    return (
        templates.select_related("role_profile")
        .annotate(
            goal_count=_count(TemplateGoal),
            course_count=_count(TemplateCourse),
            practice_count=_count(TemplatePractice),
        )
        .order_by("name", "pk")
    )


def current_skills() -> list[Skill]:
    """The skills of the rubric in force, in rubric order (one query)."""
    return list(selectors.current_skills().order_by("order", "name"))


def template_contents(template: PlanTemplate, *, skills: list[Skill]) -> dict:
    """The template's goals, courses and practice, each with its skill's name (None: not in the rubric)."""
    names = {skill.key: skill.name for skill in skills}
    goals = list(template.goals.all())
    courses = list(template.courses.select_related("course"))
    practice = list(template.practice.all())
    for row in (*goals, *courses, *practice):
        row.skill_name = names.get(row.skill_key) if row.skill_key else ""
        row.in_rubric = not row.skill_key or row.skill_key in names
    for goal in goals:
        goal.level_name = LEVEL_NAMES.get(goal.target_level, str(goal.target_level))
    return {
        "goals": goals,
        "courses": courses,
        "practice": practice,
        "out_of_rubric": [goal.skill_key for goal in goals if not goal.in_rubric],
    }


def courses_to_offer(*, current: int | None = None) -> QuerySet[Course]:
    """Active catalog courses, plus the one a template row already has (so editing it still works)."""
    return Course.objects.filter(Q(is_active=True) | Q(pk=current)).order_by("title", "pk")


def people_to_apply(user) -> QuerySet[Person]:
    """The people this user may apply a template to (their chain), marking who already has an open plan."""
    open_plan = Plan.objects.filter(person=OuterRef("pk"), status__in=OPEN_STATUSES)
    return assessable_people(user).annotate(has_open_plan=Exists(open_plan)).order_by("full_name", "pk")


# --- writing templates --------------------------------------------------------------------------------


def _locked(template: PlanTemplate) -> PlanTemplate:
    """The template row, locked for this transaction, so concurrent edits of its rows queue up."""
    return PlanTemplate.objects.select_for_update().get(pk=template.pk)


def _check_skill(skill_key: str, *, names: dict, field: str = "skill_key", required: bool = True) -> None:
    if not skill_key and not required:
        return
    if skill_key not in names:
        raise ValidationError({field: "That skill is not in the current rubric; choose one from the list."})


def _check_weeks(weeks) -> None:
    if weeks is None or int(weeks) < 1:
        raise ValidationError({"due_in_weeks": "Give a number of weeks of at least 1."})


def _next_order(rows: QuerySet) -> int:
    return (rows.aggregate(n=Max("order"))["n"] or 0) + 1


def _belongs(item, template: PlanTemplate) -> None:
    if item is not None and item.template_id != template.pk:
        raise ValidationError("That row belongs to another template.")


@transaction.atomic
def save_template(
    *,
    by,
    template: PlanTemplate | None = None,
    name: str,
    role_profile=None,
    description: str = "",
    career_goal: str = "",
    cadence_weeks: int = Cadence.MONTHLY,
    is_active: bool = True,
) -> PlanTemplate:
    """Create a template (template None) or change one's details."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the template a name, e.g. “New Team Lead”."})
    clash = PlanTemplate.objects.filter(name__iexact=name)
    if template is not None and template.pk:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a template called “{name}”; choose another name."})
    if template is None:
        template = PlanTemplate(created_by=by)
    template.name, template.role_profile = name, role_profile
    template.description, template.career_goal = (description or "").strip(), (career_goal or "").strip()
    template.cadence_weeks, template.is_active = cadence_weeks, is_active
    template.full_clean(exclude=["created_by"])
    template.save()
    return template


@transaction.atomic
def save_template_goal(
    *,
    template: PlanTemplate,
    item: TemplateGoal | None = None,
    skill_key: str,
    target_level: int,
    outcome: str,
    due_in_weeks: int,
) -> TemplateGoal:
    """Add a goal to a template (item None) or change one: a rubric skill, once per template."""
    _belongs(item, template)
    template = _locked(template)
    names = {skill.key: skill.name for skill in current_skills()}
    _check_skill(skill_key, names=names)
    if target_level is None or not 1 <= int(target_level) <= 4:
        raise ValidationError({"target_level": "Choose a level from 1 · Not yet to 4 · Role model."})
    if not (outcome or "").strip():
        raise ValidationError({"outcome": "Say what will be different when the goal is met."})
    _check_weeks(due_in_weeks)
    same_skill = template.goals.filter(skill_key=skill_key).exclude(pk=item.pk if item else None)
    if same_skill.exists():
        raise ValidationError(
            {"skill_key": f"This template already has a goal for {names[skill_key]}; change that one instead."}
        )
    goal = item or TemplateGoal(template=template, order=_next_order(template.goals.all()))
    goal.skill_key, goal.target_level = skill_key, int(target_level)
    goal.outcome, goal.due_in_weeks = outcome.strip(), due_in_weeks
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def save_template_course(
    *,
    template: PlanTemplate,
    item: TemplateCourse | None = None,
    course: Course,
    skill_key: str = "",
    due_in_weeks: int,
) -> TemplateCourse:
    """Add a catalog course to a template (item None) or change one; each course once per template."""
    _belongs(item, template)
    template = _locked(template)
    if course is None:
        raise ValidationError({"course": "Choose a course from the catalog."})
    if not course.is_active and not (item and item.course_id == course.pk):
        raise ValidationError({"course": f"“{course.title}” is retired; choose a course the catalog still offers."})
    _check_skill(skill_key, names={skill.key for skill in current_skills()}, required=False)
    _check_weeks(due_in_weeks)
    if template.courses.filter(course=course).exclude(pk=item.pk if item else None).exists():
        raise ValidationError({"course": f"“{course.title}” is already in this template."})
    row = item or TemplateCourse(template=template, order=_next_order(template.courses.all()))
    row.course, row.skill_key, row.due_in_weeks = course, skill_key or "", due_in_weeks
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def save_template_practice(
    *,
    template: PlanTemplate,
    item: TemplatePractice | None = None,
    description: str,
    skill_key: str = "",
    due_in_weeks: int,
) -> TemplatePractice:
    """Add an on-the-job practice item to a template (item None) or change one."""
    _belongs(item, template)
    template = _locked(template)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Describe the assignment, e.g. “run the Monday stand-up”."})
    _check_skill(skill_key, names={skill.key for skill in current_skills()}, required=False)
    _check_weeks(due_in_weeks)
    row = item or TemplatePractice(template=template, order=_next_order(template.practice.all()))
    row.description, row.skill_key, row.due_in_weeks = description, skill_key or "", due_in_weeks
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def remove_template_item(*, item: TemplateGoal | TemplateCourse | TemplatePractice) -> None:
    """Take a goal, course or practice item out of a template (plans made from it keep theirs)."""
    item.delete()


@transaction.atomic
def set_template_active(*, template: PlanTemplate, active: bool) -> PlanTemplate:
    """Offer a template to managers again, or retire it (it is kept, and plans made from it keep theirs)."""
    PlanTemplate.objects.filter(pk=template.pk).update(is_active=active, updated_at=timezone.now())
    template.is_active = active
    return template


def _copy_name(name: str) -> str:
    base = f"Copy of {name}"[:110]
    candidate, n = base, 1
    while PlanTemplate.objects.filter(name__iexact=candidate).exists():
        n += 1
        candidate = f"{base} ({n})"
    return candidate


@transaction.atomic
def duplicate_template(*, template: PlanTemplate, by) -> PlanTemplate:
    """A copy with all its rows, not offered until someone ticks "Offered to managers"."""
    copy = PlanTemplate.objects.create(
        name=_copy_name(template.name),
        role_profile=template.role_profile,
        description=template.description,
        career_goal=template.career_goal,
        cadence_weeks=template.cadence_weeks,
        is_active=False,
        created_by=by,
    )
    fields = {
        TemplateGoal: ("skill_key", "target_level", "outcome", "due_in_weeks", "order"),
        TemplateCourse: ("course_id", "skill_key", "due_in_weeks", "order"),
        TemplatePractice: ("description", "skill_key", "due_in_weeks", "order"),
    }
    for model, names in fields.items():
        rows = model.objects.filter(template=template)
        model.objects.bulk_create([model(template=copy, **{n: getattr(row, n) for n in names}) for row in rows])
    return copy


# --- applying -----------------------------------------------------------------------------------------


@dataclass
class Added:
    """What one apply_template call put in one person's plan."""

    created: bool
    goals: int = 0
    courses: int = 0
    practice: int = 0


@transaction.atomic
def apply_template(*, template: PlanTemplate, people, by) -> list[Plan]:
    """Give each person the template: a new draft plan, or its missing goals, courses and practice added
    to the plan they already have open. All or nothing.

    Goals resolve skill keys to the rubric in force and are skipped when the plan already has a goal for
    that skill; courses already in the plan and practice with the same wording are skipped; retired
    courses are left out. Due dates are today plus the template's weeks; courses and practice join the
    plan's goal for their skill when there is one. Each returned plan carries `added` (an Added).
    """
    people = list({person.pk: person for person in people}.values())
    if not people:
        raise ValidationError("Tick at least one person.")
    if not template.is_active:
        raise ValidationError(f"“{template.name}” is no longer offered; choose another template.")
    in_chain = set(assessable_people(by).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    outside = [person.full_name for person in people if person.pk not in in_chain]
    if outside:
        raise ValidationError(
            f"You can only apply a template to people in your team; not to {', '.join(sorted(outside))}. "
            "Nothing was applied."
        )
    in_force = {skill.key: skill for skill in current_skills()}
    goals = list(template.goals.all())
    unknown = sorted({goal.skill_key for goal in goals} - in_force.keys())
    if unknown:
        raise ValidationError(
            f"“{template.name}” has goals for skills the current rubric no longer has ({', '.join(unknown)}). "
            "Ask L&D or HR to update the template; nothing was applied."
        )
    parts = {
        "template": template,
        "goals": goals,
        "courses": [row for row in template.courses.select_related("course") if row.course.is_active],
        "practice": list(template.practice.all()),
        "in_force": in_force,
        "today": timezone.localdate(),
    }
    plans = []
    for person in sorted(people, key=lambda p: (p.full_name, p.pk)):
        try:
            plans.append(_apply_to(person, by=by, **parts))
        except ValidationError as error:
            raise ValidationError(f"{person.full_name}: {' '.join(error.messages)} Nothing was applied.") from error
    return plans


def _apply_to(person: Person, *, by, template, goals, courses, practice, in_force, today) -> Plan:
    plan = selectors.open_plan_for(person)
    added = Added(created=plan is None)
    if plan is None:
        plan = plan_services.create_plan(
            person=person,
            by=by,
            career_goal=template.career_goal,
            target_role=template.role_profile,
            cadence_weeks=template.cadence_weeks,
            template=template,
        )
        goal_for, course_ids, wordings = {}, set(), set()
    else:
        plan.person = person
        goal_for = {goal.skill.key: goal for goal in plan.goals.select_related("skill")}
        course_ids = set(plan.learning_items.values_list("course_id", flat=True))
        wordings = {text.strip().casefold() for text in plan.practice_items.values_list("description", flat=True)}

    for row in goals:
        if row.skill_key in goal_for:
            continue
        goal_for[row.skill_key] = plan_services.add_goal(
            plan=plan,
            by=by,
            skill=in_force[row.skill_key],
            target_level=row.target_level,
            outcome=row.outcome,
            due_on=today + timedelta(weeks=row.due_in_weeks),
        )
        added.goals += 1
    for row in courses:
        if row.course_id in course_ids:
            continue
        plan_services.add_learning_item(
            plan=plan,
            by=by,
            course=row.course,
            goal=goal_for.get(row.skill_key),
            due_on=today + timedelta(weeks=row.due_in_weeks),
            reason=f"From the plan template “{template.name}”.",
        )
        course_ids.add(row.course_id)
        added.courses += 1
    for row in practice:
        if row.description.strip().casefold() in wordings:
            continue
        plan_services.add_practice_item(
            plan=plan,
            by=by,
            description=row.description,
            goal=goal_for.get(row.skill_key),
            due_on=today + timedelta(weeks=row.due_in_weeks),
        )
        wordings.add(row.description.strip().casefold())
        added.practice += 1
    plan.added = added
    return plan
