"""Check-ins (the agenda, recording one, the person's comment, moving the date) and feedback at any time."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from people.selectors import visible_people

from . import selectors
from .forms import CommentForm, FeedbackForm, RecordCheckinForm, RescheduleForm
from .models import CheckIn
from .services import checkins
from .services.timeline import StaleEdit, show
from .view_helpers import attempt, back_to, form_page, what_changed


def _checkin(request, pk) -> CheckIn:
    return get_object_or_404(selectors.visible_checkins(request.user), pk=pk)


def _goals(plan):
    return list(plan.goals.select_related("skill"))


def _checkin_version(request, checkin):
    return selectors.visible_checkins(request.user).values_list("version", flat=True).get(pk=checkin.pk)


def _checkin_page(request, checkin, *, record_form=None, comment_form=None, error="", changes=None, status=200):
    plan = checkin.plan
    user = request.user
    own = selectors.is_own(user, plan)
    scheduled = checkin.status == CheckIn.Status.SCHEDULED
    held = checkin.status == CheckIn.Status.HELD
    can_record = scheduled and plan.is_open and selectors.may_manage(user, plan.person)
    context = {
        "checkin": checkin,
        "plan": plan,
        "person": plan.person,
        "own": own,
        "can_record": can_record,
        "error": error,
        "changes": changes,
    }
    if scheduled:
        context["agenda"] = selectors.agenda(plan, today=timezone.localdate())
    if can_record:
        context["record_form"] = record_form or RecordCheckinForm(
            initial={"version": checkin.version}, goals=_goals(plan), auto_id="checkin-%s"
        )
    if held:
        context["progress"] = list(checkin.goal_progress.select_related("goal__skill"))
        context["recorded_by"] = checkin.recorded_by
        if own:
            context["comment_form"] = comment_form or CommentForm(
                initial={"version": checkin.version, "comment": checkin.employee_comment}, auto_id="comment-%s"
            )
    return render(request, "devplans/checkin.html", context, status=status)


def checkin(request, pk):
    """A scheduled check-in: the agenda, and for the manager side the form to record it. A held one: what was said."""
    return _checkin_page(request, _checkin(request, pk))


def _save_on_checkin_page(request, checkin, *, form_key, make_form, call, success):
    """Like view_helpers.attempt, but a refusal shows the check-in page itself, with its agenda."""
    form = make_form(request.POST)
    if not form.is_valid():
        return _checkin_page(
            request, checkin, **{form_key: form}, error="Check the fields below; nothing was saved.", status=400
        )
    try:
        call(form.cleaned_data)
    except StaleEdit as stale:
        data = request.POST.copy()
        data["version"] = str(_checkin_version(request, checkin))
        checkin = _checkin(request, checkin.pk)
        return _checkin_page(
            request,
            checkin,
            **{form_key: make_form(data)},
            error=" ".join(stale.messages),
            changes=what_changed(stale.changes),
            status=409,
        )
    except ValidationError as error:
        return _checkin_page(request, checkin, **{form_key: form}, error=" ".join(error.messages), status=400)
    messages.success(request, success)
    return redirect(checkin)


@require_POST
def record_checkin(request, pk):
    checkin = _checkin(request, pk)
    plan = checkin.plan
    if not selectors.may_manage(request.user, plan.person):
        raise Http404("Only the manager side records a check-in.")
    goals = _goals(plan)
    return _save_on_checkin_page(
        request,
        checkin,
        form_key="record_form",
        make_form=lambda data: RecordCheckinForm(data, goals=goals, auto_id="checkin-%s"),
        call=lambda d: checkins.record_checkin(
            checkin=checkin,
            by=request.user,
            expected_version=d["version"],
            held_on=d["held_on"],
            progress=_progress(goals, d),
            feedback=d["feedback"],
            employee_comment=d["employee_comment"],
        ),
        success="Check-in recorded. The next one is on the plan.",
    )


def _progress(goals, cleaned) -> dict[int, tuple[str, str]]:
    return {goal.pk: (cleaned[f"progress_{goal.pk}"], cleaned[f"note_{goal.pk}"]) for goal in goals}


@require_POST
def comment_on_checkin(request, pk):
    checkin = _checkin(request, pk)
    if not selectors.is_own(request.user, checkin.plan):
        raise Http404("Only the person comments on their check-in.")
    return _save_on_checkin_page(
        request,
        checkin,
        form_key="comment_form",
        make_form=lambda data: CommentForm(data, auto_id="comment-%s"),
        call=lambda d: checkins.comment_on_checkin(
            checkin=checkin, by=request.user, expected_version=d["version"], comment=d["comment"]
        ),
        success="Your comment is saved.",
    )


@require_POST
def reschedule_checkin(request, pk):
    checkin = _checkin(request, pk)
    plan = checkin.plan
    if not selectors.may_manage(request.user, plan.person):
        raise Http404("Only the manager side moves a check-in.")
    return attempt(
        request,
        make_form=lambda data: RescheduleForm(data, auto_id="reschedule-%s"),
        call=lambda d: checkins.reschedule_checkin(
            checkin=checkin, by=request.user, expected_version=d["version"], on=d["on"]
        ),
        page={
            "plan": plan,
            "title": "Move the check-in",
            "action": reverse("devplans:reschedule_checkin", args=[checkin.pk]),
            "submit": "Move the check-in",
        },
        success=lambda moved: f"Check-in moved to {show(moved.scheduled_for)}.",
        redirect_to=back_to(request, plan, "checkins"),
        current_version=lambda: _checkin_version(request, checkin),
    )


# --- feedback at any time ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def give_feedback(request, person_pk):
    """The manager side documents feedback about a skill or one of its behaviours; the person sees it."""
    person = get_object_or_404(visible_people(request.user), pk=person_pk)
    if not selectors.may_manage(request.user, person):
        raise Http404("Only the manager side gives feedback here.")
    page = {
        "plan": None,
        "person": person,
        "title": f"Give {person.full_name} feedback",
        "action": reverse("devplans:give_feedback", args=[person.pk]),
        "submit": "Save the feedback",
        "intro": f"Write what you saw and what to keep or change. {person.full_name} sees it on their plan.",
    }
    if request.method == "GET":
        return form_page(request, form=FeedbackForm(auto_id="feedback-%s"), **page)

    def after(feedback):
        if feedback.plan_id:
            return reverse("devplans:plan", args=[feedback.plan_id]) + "#feedback"
        return person.get_absolute_url()

    return attempt(
        request,
        make_form=lambda data: FeedbackForm(data, auto_id="feedback-%s"),
        call=lambda d: checkins.give_feedback(
            person=person, by=request.user, text=d["text"], skill=d["skill"], behaviour=d["behaviour"]
        ),
        page=page,
        success=f"Feedback saved. {person.full_name} sees it on their plan.",
        redirect_to=after,
    )
