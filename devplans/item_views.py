"""Courses and practice in a plan: adding them (the manager side), working through them (the person and the
manager side), postponing a course with a shorter or self-paced alternative, reflection and feedback.
"""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from catalog import selectors as course_selectors

from . import selectors
from .forms import (
    AddCourseForm,
    AddPracticeForm,
    LearningStatusForm,
    ObservationForm,
    PostponeForm,
    PracticeFeedbackForm,
    ReflectionForm,
)
from .models import LearningItem
from .services import items, plans
from .services.timeline import show
from .view_helpers import (
    attempt,
    back_to,
    form_page,
    managed_plan,
    own_plan,
    recommended_courses,
    worked_plan,
)

POSTPONE_WEEKS = 4


def _goals(plan):
    return list(plan.goals.select_related("skill"))


def _learning_item(plan, pk) -> LearningItem:
    item = get_object_or_404(plan.learning_items.select_related("course", "goal__skill"), pk=pk)
    item.plan = plan
    return item


def _practice_item(plan, pk):
    item = get_object_or_404(plan.practice_items.all(), pk=pk)
    item.plan = plan
    return item


def _learning_version(plan, item):
    return lambda: plan.learning_items.values_list("version", flat=True).get(pk=item.pk)


def _practice_version(plan, item):
    return lambda: plan.practice_items.values_list("version", flat=True).get(pk=item.pk)


# --- courses -------------------------------------------------------------------------------------------------------


@require_POST
def add_learning_item(request, pk):
    """A recommended course (with its reason) or any active catalog course; tied to the goal for its skill."""
    plan = managed_plan(request, pk)
    goals = _goals(plan)
    offer = recommended_courses(request.user, plan, goals, search=request.POST.get("course_q", "").strip()[:100])
    recommended = {r["course_id"]: r for r in offer["recommended"]}

    def add(d):
        course, goal = d["course"], d["goal"]
        match = recommended.get(course.pk)
        if goal is None:
            by_key = {g.skill.key: g for g in goals}
            keys = [match["skill_key"]] if match else list(course.skills.values_list("skill__key", flat=True))
            goal = next((by_key[key] for key in keys if key in by_key), None)
        return plans.add_learning_item(
            plan=plan,
            by=request.user,
            course=course,
            goal=goal,
            due_on=d["due_on"],
            reason=match["reason"] if match else "",
        )

    chosen = request.POST.get("course", "")
    if chosen.isdigit() and int(chosen) not in recommended and int(chosen) not in {c.pk for c in offer["results"]}:
        # Keep a course found by search on the page shown again after a refusal.
        offer["results"] += list(course_selectors.course(int(chosen)).filter(is_active=True))
    return attempt(
        request,
        make_form=lambda data: AddCourseForm(data, goals=goals, auto_id="add-course-%s"),
        call=add,
        page={
            "plan": plan,
            "title": "Add a course",
            "action": reverse("devplans:add_learning_item", args=[plan.pk]),
            "submit": "Add the course",
            "partial": "devplans/partials/add_course_fields.html",
            "add_course": offer,
        },
        success=lambda item: f"Course added: {item.course.title}.",
        redirect_to=lambda item: back_to(request, plan, f"learning-{item.pk}"),
    )


STATUS_DONE = {
    LearningItem.Status.PLANNED: "{title} is planned again.",
    LearningItem.Status.IN_PROGRESS: "Started: {title}.",
    LearningItem.Status.COMPLETED: "Done: {title}.",
    LearningItem.Status.DROPPED: "{title} was dropped from the plan.",
}


@require_POST
def set_learning_status(request, plan_pk, pk):
    plan = worked_plan(request, plan_pk)
    item = _learning_item(plan, pk)
    return attempt(
        request,
        make_form=lambda data: LearningStatusForm(data, auto_id=f"learning-{item.pk}-%s"),
        call=lambda d: items.set_learning_status(
            item=item, by=request.user, expected_version=d["version"], status=d["status"], note=d["note"]
        ),
        page={
            "plan": plan,
            "title": f"Update “{item.course.title}”",
            "action": reverse("devplans:set_learning_status", args=[plan.pk, item.pk]),
            "submit": "Save",
        },
        success=lambda saved: STATUS_DONE[saved.status].format(title=item.course.title),
        redirect_to=back_to(request, plan, f"learning-{item.pk}"),
        current_version=_learning_version(plan, item),
    )


@require_http_methods(["GET", "POST"])
def postpone_learning_item(request, plan_pk, pk):
    """Put a course off to a new date, and take a shorter or self-paced course for the same skill meanwhile."""
    plan = worked_plan(request, plan_pk)
    item = _learning_item(plan, pk)
    alternatives = selectors.alternatives_for(item)
    page = {
        "plan": plan,
        "title": f"Postpone “{item.course.title}”",
        "action": reverse("devplans:postpone_learning_item", args=[plan.pk, item.pk]),
        "submit": "Postpone the course",
        "intro": "Busy weeks happen. Choose a new date; if you like, take a shorter or self-paced course "
        "for the same skill in the meantime.",
        "no_alternatives": not alternatives,
    }
    if request.method == "GET":
        today = timezone.localdate()
        start = max(item.due_on or today, today)
        form = PostponeForm(
            initial={"version": item.version, "until": start + timedelta(weeks=POSTPONE_WEEKS)},
            alternatives=alternatives,
            auto_id="postpone-%s",
        )
        return form_page(request, form=form, **page)

    def postponed(result):
        moved, replacement = result
        text = f"“{moved.course.title}” moved to {show(moved.due_on)}."
        return text + (f" In the meantime: “{replacement.course.title}”." if replacement else "")

    return attempt(
        request,
        make_form=lambda data: PostponeForm(data, alternatives=alternatives, auto_id="postpone-%s"),
        call=lambda d: items.postpone_learning_item(
            item=item,
            by=request.user,
            expected_version=d["version"],
            until=d["until"],
            reason=d["reason"],
            alternative=d["alternative"],
        ),
        page=page,
        success=postponed,
        redirect_to=lambda result: back_to(request, plan, f"learning-{(result[1] or result[0]).pk}"),
        current_version=_learning_version(plan, item),
    )


@require_POST
def record_observation(request, plan_pk, pk):
    plan = managed_plan(request, plan_pk)
    item = _learning_item(plan, pk)
    return attempt(
        request,
        make_form=lambda data: ObservationForm(data, auto_id=f"learning-{item.pk}-%s"),
        call=lambda d: items.record_observation(
            item=item, by=request.user, text=d["text"], expected_version=d["version"]
        ),
        page={
            "plan": plan,
            "title": f"What change have you seen since “{item.course.title}”?",
            "action": reverse("devplans:record_observation", args=[plan.pk, item.pk]),
            "submit": "Save what you have seen",
        },
        success="Saved what you have seen.",
        redirect_to=back_to(request, plan, f"learning-{item.pk}"),
        current_version=_learning_version(plan, item),
    )


# --- practice ------------------------------------------------------------------------------------------------------


@require_POST
def add_practice_item(request, pk):
    plan = managed_plan(request, pk)
    goals = _goals(plan)
    return attempt(
        request,
        make_form=lambda data: AddPracticeForm(data, goals=goals, auto_id="add-practice-%s"),
        call=lambda d: plans.add_practice_item(
            plan=plan, by=request.user, description=d["description"], goal=d["goal"], due_on=d["due_on"]
        ),
        page={
            "plan": plan,
            "title": "Add practice",
            "action": reverse("devplans:add_practice_item", args=[plan.pk]),
            "submit": "Add the practice",
        },
        success=lambda item: f"Practice added: {item.description}",
        redirect_to=lambda item: back_to(request, plan, f"practice-{item.pk}"),
    )


@require_POST
def reflect_on_practice(request, plan_pk, pk):
    plan = own_plan(request, plan_pk)
    item = _practice_item(plan, pk)
    return attempt(
        request,
        make_form=lambda data: ReflectionForm(data, auto_id=f"practice-{item.pk}-reflect-%s"),
        call=lambda d: items.reflect_on_practice(
            item=item, by=request.user, expected_version=d["version"], reflection=d["reflection"], status=d["status"]
        ),
        page={
            "plan": plan,
            "title": f"How “{item.description}” went",
            "action": reverse("devplans:reflect_on_practice", args=[plan.pk, item.pk]),
            "submit": "Save how it went",
        },
        success="Saved how it went.",
        redirect_to=back_to(request, plan, f"practice-{item.pk}"),
        current_version=_practice_version(plan, item),
    )


@require_POST
def give_practice_feedback(request, plan_pk, pk):
    plan = managed_plan(request, plan_pk)
    item = _practice_item(plan, pk)
    return attempt(
        request,
        make_form=lambda data: PracticeFeedbackForm(data, auto_id=f"practice-{item.pk}-feedback-%s"),
        call=lambda d: items.give_practice_feedback(
            item=item, by=request.user, expected_version=d["version"], text=d["text"], status=d["status"]
        ),
        page={
            "plan": plan,
            "title": f"Feedback on “{item.description}”",
            "action": reverse("devplans:give_practice_feedback", args=[plan.pk, item.pk]),
            "submit": "Save the feedback",
        },
        success="Feedback saved.",
        redirect_to=back_to(request, plan, f"practice-{item.pk}"),
        current_version=_practice_version(plan, item),
    )
