"""The plan page, the plan panel on the person page, and the manager side's changes to a plan and its goals.

Plans are fetched through selectors.visible_plans, so someone else's plan answers 404; changes are
for the manager side (selectors.may_manage) and answer 404 to anyone else, HR and admin included,
who read plans but never change them. Every change goes through devplans.services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assessments.selectors import gap_overview
from people.selectors import person_for, visible_people

from . import gap_selectors, selectors
from .agreement_selectors import agreement_step
from .forms import AddGoalForm, ChangeGoalForm, ConfirmForm, EndPlanForm, GapChoiceForm, PlanDetailsForm, VersionForm
from .models import CheckIn
from .services import from_gaps, plans
from .services.timeline import StaleEdit, name_of
from .view_helpers import (
    attempt,
    back_to,
    form_page,
    managed_plan,
    plan_context,
    visible_plan,
    what_changed,
    worked_plan,
)


def plan(request, pk):
    """The whole plan: what to do next, agreement, goals with their courses and practice, check-ins, history."""
    return render(request, "devplans/plan.html", plan_context(request, visible_plan(request, pk)))


# --- the panel on the person page, and starting a plan -------------------------------------------------------------


def _managed_person(request, person_pk):
    person = get_object_or_404(visible_people(request.user), pk=person_pk)
    if not selectors.may_manage(request.user, person):
        raise Http404("Only the manager side can start a plan.")
    return person


def _panel_context(request, person, *, error: str = "") -> dict:
    plans_seen = list(selectors.plans_of(request.user, person))
    open_plan = next((p for p in plans_seen if p.is_open), None)
    manages = selectors.may_manage(request.user, person)
    context = {
        "person": person,
        "open_plan": open_plan,
        "past_plans": [p for p in plans_seen if not p.is_open],
        "manages": manages,
        "own": person_for(request.user) == person,
        "error": error,
    }
    if open_plan is not None:
        context["next_checkin"] = (
            selectors.visible_checkins(request.user).filter(plan=open_plan, status=CheckIn.Status.SCHEDULED).first()
        )
        context["goal_count"] = open_plan.goals.count()
        revision = selectors.revisions_of(open_plan).filter(number=open_plan.revision).first()
        if revision is not None:
            context["agreement_step"] = agreement_step(
                open_plan,
                own=context["own"],
                direct_manager=selectors.is_direct_manager(request.user, person),
                manages=manages,
                has_goals=context["goal_count"] > 0,
                manager_confirmed=bool(revision.manager_confirmed_at),
                employee_confirmed=bool(revision.employee_confirmed_at),
            )
    elif manages:
        overview = gap_overview(person)
        in_force = set(selectors.current_skills().values_list("key", flat=True))
        context["assessed"] = overview["latest"] is not None
        context["gaps"] = [r for r in overview["gaps"] if r.skill.key in in_force]
    return context


def person_plan_panel(request, person_pk):
    """The person's plan at a glance, loaded into the person page with htmx (a page of its own without)."""
    person = get_object_or_404(visible_people(request.user), pk=person_pk)
    template = "devplans/partials/plan_panel.html" if request.htmx else "devplans/person_plan.html"
    return render(request, template, _panel_context(request, person))


def _refused_start(request, person, error: ValidationError):
    context = _panel_context(request, person, error=" ".join(error.messages))
    return render(request, "devplans/person_plan.html", context, status=400)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _gap_chooser(request, person, *, selected=None, error: str = "", status: int = 200):
    gaps = gap_selectors.gaps_to_plan(person)
    for choice in gaps.choices:
        choice.checked = choice.is_choosable and (choice.key in selected if selected is not None else choice.ticked)
    context = {
        "person": person,
        "gaps": gaps,
        "open_plan": gaps.open_plan,
        "error": error,
        "opens_revision": bool(gaps.open_plan and gaps.open_plan.agreed_revision == gaps.open_plan.revision),
    }
    return render(request, "devplans/plan_from_gaps.html", context, status=status)


@require_http_methods(["GET", "POST"])
def create_plan_from_gaps(request, person_pk):
    """The gaps of the latest assessment, ranked, to choose from (GET); the chosen ones become goals with their
    best courses (POST), in a new draft or added to the open plan. For the manager side only (else 404)."""
    person = _managed_person(request, person_pk)
    if request.method == "GET":
        return _gap_chooser(request, person)
    form = GapChoiceForm(request.POST)
    if not form.is_valid():
        return _gap_chooser(
            request, person, error="The page was not understood; nothing was added. Choose again.", status=400
        )
    chosen = form.cleaned_data["skill"]
    try:
        done = from_gaps.plan_from_gaps(
            person=person, by=request.user, skill_keys=chosen, assessment_id=form.cleaned_data["assessment"]
        )
    except ValidationError as error:
        # After a newer assessment the ticks start again from its gaps; otherwise the manager's ticks stay.
        selected = None if isinstance(error, from_gaps.NewerAssessment) else set(chosen)
        return _gap_chooser(request, person, selected=selected, error=" ".join(error.messages), status=400)
    goals, courses = _plural(len(done.goals), "goal"), _plural(len(done.courses), "course")
    if done.created:
        text = (
            f"Plan drafted from {person.full_name}'s gaps: {goals} and {courses}. Change what you like, then confirm."
        )
    else:
        again = " Both of you confirm the plan again." if done.plan.agreed_revision else ""
        text = f"Added to {person.full_name}'s plan: {goals} and {courses}.{again}"
    with_course = {item.goal_id for item in done.courses}
    without = [g.skill.name for g in done.goals if g.pk not in with_course]
    if without:
        text += f" No course in the catalog fits {', '.join(without)} yet: ask L&D, or add one later."
    if done.already_in_plan:
        text += f" Already in the plan: {', '.join(done.already_in_plan)}."
    messages.success(request, text)
    return redirect(done.plan)


@require_POST
def create_plan(request, person_pk):
    person = _managed_person(request, person_pk)
    try:
        new_plan = plans.create_plan(person=person, by=request.user)
    except ValidationError as error:
        return _refused_start(request, person, error)
    messages.success(request, f"Plan started for {person.full_name}. Add the goals, then confirm it.")
    return redirect(new_plan)


# --- the plan itself -----------------------------------------------------------------------------------------------


def _plan_version(request, plan):
    return lambda: selectors.visible_plans(request.user).values_list("version", flat=True).get(pk=plan.pk)


@require_POST
def edit_plan(request, pk):
    plan = managed_plan(request, pk)

    def saved(result):
        again = " Both of you confirm it again." if result.awaits_agreement and result.agreed_revision else ""
        return f"Plan saved.{again}"

    return attempt(
        request,
        make_form=lambda data: PlanDetailsForm(data, auto_id="plan-%s"),
        call=lambda d: plans.update_plan(
            plan=plan,
            by=request.user,
            expected_version=d["version"],
            career_goal=d["career_goal"],
            target_role=d["target_role"],
            cadence_weeks=d["cadence_weeks"],
        ),
        page={
            "plan": plan,
            "title": "Change the career goal, target role or check-ins",
            "action": reverse("devplans:edit_plan", args=[plan.pk]),
            "submit": "Save the plan",
        },
        success=saved,
        redirect_to=back_to(request, plan, "plan-details"),
        current_version=_plan_version(request, plan),
    )


@require_POST
def confirm_plan(request, pk):
    """The person or their direct manager confirms the revision they read (posted as `revision`)."""
    plan = worked_plan(request, pk)
    page = {
        "plan": plan,
        "title": "Confirm the plan",
        "action": reverse("devplans:confirm_plan", args=[plan.pk]),
        "submit": "Confirm the plan",
    }
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return form_page(request, form=form, status=400, error="Open the plan again, then confirm it.", **page)
    read = form.cleaned_data["revision"]
    try:
        confirmed = plans.confirm_plan(
            plan=plan, by=request.user, revision=read, expected_version=form.cleaned_data["version"]
        )
    except StaleEdit as stale:
        current = selectors.visible_plans(request.user).get(pk=plan.pk)
        return form_page(
            request,
            form=ConfirmForm({"revision": current.revision, "version": current.version}),
            status=409,
            error="The plan changed after you opened it, so it was not confirmed. Here is what changed; "
            "read the plan again, then confirm.",
            changes=what_changed(stale.changes),
            **page,
        )
    except ValidationError as error:
        current = selectors.visible_plans(request.user).get(pk=plan.pk)
        if current.revision == read:
            return form_page(request, form=form, status=400, error=" ".join(error.messages), **page)
        newer = selectors.revisions_of(current).filter(number__gt=read).order_by("number")
        changes = [
            {
                "who": name_of(r.created_by),
                "at": r.created_at,
                "summary": f"Revision {r.number} opened.",
                "changes": r.changes,
            }
            for r in newer
        ]
        return form_page(
            request,
            form=ConfirmForm({"revision": current.revision, "version": current.version}),
            status=409,
            error=" ".join(error.messages),
            changes=changes,
            **page,
        )
    if confirmed.awaits_agreement:
        messages.success(request, f"You confirmed revision {confirmed.revision}. The other side confirms it next.")
    else:
        messages.success(request, f"Agreed: both of you confirmed revision {confirmed.revision}.")
    return redirect(back_to(request, plan, "agreement"))


@require_POST
def end_plan(request, pk):
    plan = managed_plan(request, pk)
    return attempt(
        request,
        make_form=lambda data: EndPlanForm(data, auto_id="end-%s"),
        call=lambda d: plans.end_plan(plan=plan, by=request.user, status=d["status"], reason=d["reason"]),
        page={
            "plan": plan,
            "title": "End the plan",
            "action": reverse("devplans:end_plan", args=[plan.pk]),
            "submit": "End the plan",
        },
        success=lambda ended: f"The plan is {ended.get_status_display().lower()}.",
        redirect_to=plan.get_absolute_url(),
    )


# --- goals ---------------------------------------------------------------------------------------------------------


def _again(plan) -> str:
    return " Both of you confirm the plan again." if plan.agreed_revision else ""


@require_POST
def add_goal(request, pk):
    plan = managed_plan(request, pk)
    return attempt(
        request,
        make_form=lambda data: AddGoalForm(data, auto_id="add-goal-%s"),
        call=lambda d: plans.add_goal(
            plan=plan,
            by=request.user,
            skill=d["skill"],
            target_level=d["target_level"],
            outcome=d["outcome"],
            due_on=d["due_on"],
        ),
        page={
            "plan": plan,
            "title": "Add a goal",
            "action": reverse("devplans:add_goal", args=[plan.pk]),
            "submit": "Add the goal",
        },
        success=lambda goal: f"Goal added: {goal.skill.name}.{_again(plan)}",
        redirect_to=lambda goal: back_to(request, plan, f"goal-{goal.pk}"),
    )


def _goal(plan, pk):
    goal = get_object_or_404(plan.goals.select_related("skill"), pk=pk)
    goal.plan = plan
    return goal


@require_POST
def change_goal(request, plan_pk, pk):
    plan = managed_plan(request, plan_pk)
    goal = _goal(plan, pk)
    return attempt(
        request,
        make_form=lambda data: ChangeGoalForm(data, auto_id=f"goal-{goal.pk}-%s"),
        call=lambda d: plans.change_goal(
            goal=goal,
            by=request.user,
            expected_version=d["version"],
            target_level=d["target_level"],
            outcome=d["outcome"],
            due_on=d["due_on"],
        ),
        page={
            "plan": plan,
            "title": f"Change the goal {goal.skill.name}",
            "action": reverse("devplans:change_goal", args=[plan.pk, goal.pk]),
            "submit": "Save the goal",
        },
        success=f"Goal saved: {goal.skill.name}.{_again(plan)}",
        redirect_to=back_to(request, plan, f"goal-{goal.pk}"),
        current_version=lambda: plan.goals.values_list("version", flat=True).get(pk=goal.pk),
    )


@require_POST
def remove_goal(request, plan_pk, pk):
    plan = managed_plan(request, plan_pk)
    goal = _goal(plan, pk)
    return attempt(
        request,
        make_form=VersionForm,
        call=lambda d: plans.remove_goal(goal=goal, by=request.user, expected_version=d["version"]),
        page={
            "plan": plan,
            "title": f"Remove the goal {goal.skill.name}",
            "action": reverse("devplans:remove_goal", args=[plan.pk, goal.pk]),
            "submit": "Remove the goal",
            "intro": "Its courses and practice stay in the plan, no longer tied to a goal.",
        },
        success=f"Goal removed: {goal.skill.name}.{_again(plan)}",
        redirect_to=back_to(request, plan, "goals"),
        current_version=lambda: plan.goals.values_list("version", flat=True).get(pk=goal.pk),
    )
