"""What the plan, My plan and check-in views share: fetching what the user may act on, running a
service with its refusals shown on the form, and the context of the plan page.

A refused action never changes anything: bad input answers 400 with the message; a save against a
row someone changed since the form was opened (StaleEdit) answers 409 with what changed, who and
when, and the form again with the user's own values but the current version, so saving again is a
deliberate choice.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from assessments.models import Level
from assessments.selectors import course_outcomes, gap_overview, recommendations_for
from catalog.selectors import courses_for
from skillbridge.data_cache import remember

from . import selectors
from .forms import (
    AddCourseForm,
    AddGoalForm,
    AddPracticeForm,
    ChangeGoalForm,
    EndPlanForm,
    ObservationForm,
    PlanDetailsForm,
    PracticeFeedbackForm,
    ReflectionForm,
    RescheduleForm,
)
from .models import LearningItem, Plan, PracticeItem
from .services.timeline import StaleEdit, name_of

RECOMMENDED_COURSES = 6
SEARCH_RESULTS = 10

# --- fetching what the user may act on --------------------------------------------------------------------------


def visible_plan(request, pk) -> Plan:
    """A plan the user may see (someone else's answers 404)."""
    return get_object_or_404(selectors.visible_plan(request.user, pk))


def managed_plan(request, pk) -> Plan:
    """A plan of someone below the user in the chain; anyone else (HR included) gets 404."""
    plan = visible_plan(request, pk)
    if not selectors.may_manage(request.user, plan.person):
        raise Http404("Only the manager side can change this plan.")
    return plan


def worked_plan(request, pk) -> Plan:
    """A plan the user works on: their own, or one of someone below them."""
    plan = visible_plan(request, pk)
    if not (selectors.is_own(request.user, plan) or selectors.may_manage(request.user, plan.person)):
        raise Http404("Only the person and their manager can do this.")
    return plan


def own_plan(request, pk) -> Plan:
    plan = visible_plan(request, pk)
    if not selectors.is_own(request.user, plan):
        raise Http404("Only the person whose plan it is can do this.")
    return plan


def back_to(request, plan: Plan, anchor: str = "") -> str:
    """Where to go after an action: My plan when it was posted from there, else the plan page."""
    base = reverse("devplans:my_plan") if request.POST.get("next") == "my_plan" else plan.get_absolute_url()
    return f"{base}#{anchor}" if anchor else base


# --- running a service ----------------------------------------------------------------------------------------------


def what_changed(events) -> list[dict]:
    """Timeline lines as the "what changed" list: who, when, what, and [label, before, after] for each field."""
    return [
        {"who": name_of(event.actor), "at": event.at, "summary": event.summary, "changes": event.changes}
        for event in events
    ]


def form_page(request, *, form, plan, title, action, submit, status=200, error="", changes=None, **extra):
    """One form on a page of its own: for refusals (400, 409) and for forms too big for the plan page."""
    person = extra.pop("person", None) or plan.person
    context = {
        "form": form,
        "plan": plan,
        "person": person,
        "title": title,
        "action": action,
        "submit": submit,
        "error": error,
        "changes": changes,
        "next_page": request.POST.get("next") or request.GET.get("next", ""),
        **extra,
    }
    return render(request, "devplans/action_form.html", context, status=status)


def attempt(request, *, make_form, call, page: dict, success, redirect_to, current_version=None):
    """Validate the form, call the service, then redirect with a message; or show the form again.

    make_form(data) builds the form; call(cleaned_data) runs the service and returns its result;
    success and redirect_to are strings or functions of that result; current_version() reads the
    row's version now, for the form shown after a stale save.
    """
    form = make_form(request.POST)
    if not form.is_valid():
        return form_page(request, form=form, status=400, error="Check the fields below; nothing was saved.", **page)
    try:
        result = call(form.cleaned_data)
    except StaleEdit as stale:
        data = request.POST.copy()
        if current_version is not None:
            data["version"] = str(current_version())
        return form_page(
            request,
            form=make_form(data),
            status=409,
            error=" ".join(stale.messages),
            changes=what_changed(stale.changes),
            **page,
        )
    except ValidationError as error:
        return form_page(request, form=form, status=400, error=" ".join(error.messages), **page)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


# --- the plan page and My plan -------------------------------------------------------------------------------------


def _recommended(person) -> list[dict]:
    """The person's ranked courses for their gaps, leaving out what they had in any plan."""
    ranking = recommendations_for(
        person,
        gaps=gap_overview(person)["gaps"],
        exclude_course_ids=selectors.courses_in_plans(person),
        outcomes=course_outcomes(),
        limit=RECOMMENDED_COURSES,
    )
    return [
        {"course_id": r.course.course_id, "title": r.course.title, "reason": r.reason, "skill_key": r.gap.skill_key}
        for r in ranking.recommendations
    ]


def recommended_courses(user, plan: Plan, goals, *, search: str = "") -> dict:
    """Courses to add: the person's recommendations, and search results.

    The recommendations are kept in the cache (skillbridge/data_cache.py) while the person's assessments,
    plans and the catalog stay the same: ranking them reads the gaps, the courses and every follow-up
    answer, about a sixth of the manager's plan page."""
    person = plan.person
    # settle=0: a course just added to the plan must leave the list at once.
    kept, _ = remember("recommended-courses", [person.pk], lambda: _recommended(person), settle=0)
    goal_for = {goal.skill.key: goal for goal in goals}
    recommended = [{**r, "goal": goal_for.get(r["skill_key"])} for r in kept]
    results = list(courses_for(user, search=search)[:SEARCH_RESULTS]) if search else []
    return {"recommended": recommended, "results": results, "search": search}


def _primary(page, *, own: bool, manages: bool, can_confirm: bool) -> str:
    """The anchor of the one action that gets the primary button: the first next step this user can act on."""
    if can_confirm:
        return "agreement"
    items = {item.anchor: item for item in [*page["learning"], *page["practice"]]}
    for step in page["next_steps"]:
        anchor = step["anchor"]
        if anchor == "checkins" and manages:
            return anchor
        item = items.get(anchor)
        if item is None:
            continue
        if isinstance(item, LearningItem):
            if (own and not item.is_done) or (manages and item.awaits_observation):
                return anchor
        elif (own and not item.is_done) or (manages and item.awaits_feedback):
            return anchor
    if manages and not page["goals"]:
        return "add-goal"
    return ""


def plan_context(request, plan: Plan, *, next_page: str = "") -> dict:
    """Everything the plan page (and My plan) shows, with the forms this user may use, in a fixed number of queries."""
    user = request.user
    today = timezone.localdate()
    own = selectors.is_own(user, plan)
    manages = selectors.may_manage(user, plan.person) and plan.is_open
    page = selectors.plan_page(plan, user=user, today=today, manages=manages)
    works = (own or manages) and plan.is_open
    revision = page["current_revision"]
    # A plan is agreed on its goals: without one there is nothing to confirm yet (the service refuses it too).
    can_confirm = bool(
        plan.is_open
        and plan.awaits_agreement
        and revision is not None
        and page["goals"]
        and (
            (own and not revision.employee_confirmed_at)
            or (not own and not revision.manager_confirmed_at and selectors.is_direct_manager(user, plan.person))
        )
    )
    goals = page["goals"]
    for goal in goals:
        goal.start_label = Level(goal.start_level).label if goal.start_level else ""
        goal.target_label = Level(goal.target_level).label
        if manages:
            goal.change_form = ChangeGoalForm(
                initial={
                    "version": goal.version,
                    "target_level": goal.target_level,
                    "outcome": goal.outcome,
                    "due_on": goal.due_on,
                },
                auto_id=f"goal-{goal.pk}-%s",
            )
    for item in page["learning"]:
        item.anchor = f"learning-{item.pk}"
        if manages and item.status == LearningItem.Status.COMPLETED:
            item.observation_form = ObservationForm(
                initial={"version": item.version, "text": item.manager_observation}, auto_id=f"{item.anchor}-%s"
            )
    for item in page["practice"]:
        item.anchor = f"practice-{item.pk}"
        if own and plan.is_open and item.status != PracticeItem.Status.DROPPED:
            item.reflection_form = ReflectionForm(
                initial={"version": item.version, "reflection": item.reflection, "status": item.status},
                auto_id=f"{item.anchor}-reflect-%s",
            )
        if manages:
            item.feedback_form = PracticeFeedbackForm(
                initial={"version": item.version}, auto_id=f"{item.anchor}-feedback-%s"
            )
    context = {
        "plan": plan,
        "person": plan.person,
        "page": page,
        "own": own,
        "manages": manages,
        "works": works,
        "can_confirm": can_confirm,
        "read_only": not works,
        "next_page": next_page,
        "loose_learning": [i for i in page["learning"] if not i.goal_id],
        "loose_practice": [p for p in page["practice"] if not p.goal_id],
        "chart_id": f"plan-chart-data-{plan.pk}",
        "today": today,
    }
    context["primary"] = _primary(page, own=own and plan.is_open, manages=manages, can_confirm=can_confirm)
    if manages:
        search = request.GET.get("course_q", "").strip()[:100]
        next_checkin = page["next_checkin"]
        context.update(
            add_goal_form=AddGoalForm(taken_keys=[g.skill.key for g in goals], auto_id="add-goal-%s"),
            add_course=recommended_courses(user, plan, goals, search=search),
            add_course_form=AddCourseForm(goals=goals, auto_id="add-course-%s"),
            add_practice_form=AddPracticeForm(goals=goals, auto_id="add-practice-%s"),
            details_form=PlanDetailsForm(
                initial={
                    "version": plan.version,
                    "career_goal": plan.career_goal,
                    "target_role": plan.target_role_id,
                    "cadence_weeks": plan.cadence_weeks,
                },
                auto_id="plan-%s",
            ),
            end_form=EndPlanForm(auto_id="end-%s"),
            reschedule_form=RescheduleForm(
                initial={"version": next_checkin.version, "on": next_checkin.scheduled_for}, auto_id="reschedule-%s"
            )
            if next_checkin
            else None,
        )
    return context
