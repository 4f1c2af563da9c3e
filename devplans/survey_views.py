"""The pages behind the signed links: the follow-up survey and the manager's observation request.

Both open without a login for whoever holds the link (the link is the key), but refuse while someone else is
logged in. A refused link answers a page that says what happened and what to do: 404 for a changed or
unknown link, 403 for someone else's, 410 for one already answered or expired. Nothing is changed then.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import survey_selectors
from .models import FollowUpSurvey
from .services import surveys
from .services.timeline import name_of
from .survey_forms import GoalAnswerForm, ObservationAnswerForm


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _what_to_do(request, refusal: surveys.SurveyRefused, *, kind: str) -> str:
    """Who to turn to, in plain words, for each refusal."""
    row = refusal.survey
    if isinstance(refusal, surveys.NotForYou):
        return (
            f"You are logged in as {name_of(request.user)}. Log out below and the link opens for "
            f"{surveys.first_name(row.respondent)}; nothing was shown or saved in your name."
        )
    if isinstance(refusal, surveys.AlreadyAnswered):
        return "There is nothing more to do: thank you. Your answers are on the plan's timeline."
    if isinstance(refusal, surveys.LinkExpired):
        manager = _manager_of(row, kind=kind)
        if manager is not None:
            return (
                f"Ask {manager.full_name}, your manager, to have SkillBridge send you a new link; "
                "your answers still count."
            )
        return "Ask HR to have SkillBridge send you a new link; your answers still count."
    return (
        "Open the link again from the e-mail, copying the whole address. If it still does not work, "
        "SkillBridge may have sent you a newer link: use the latest e-mail, or ask HR for a new one."
    )


def _manager_of(row, *, kind: str):
    """The person to ask for a new link: the employee's manager for the employee's survey, else nobody (HR)."""
    if kind == "survey" and row is not None and row.role == FollowUpSurvey.Role.EMPLOYEE:
        return row.plan.person.manager
    return None


def _refused(request, refusal: surveys.SurveyRefused, *, kind: str):
    titles = {
        surveys.NotForYou: "This link is for someone else",
        surveys.AlreadyAnswered: "Already answered",
        surveys.LinkExpired: "This link has expired",
    }
    context = {
        "title": titles.get(type(refusal), "This link does not work"),
        "message": refusal.messages[0],
        "what_to_do": _what_to_do(request, refusal, kind=kind),
        "offer_logout": isinstance(refusal, surveys.NotForYou),
    }
    return render(request, "devplans/surveys/refused.html", context, status=refusal.status)


@login_not_required
@require_http_methods(["GET", "POST"])
def survey(request, token):
    """For each goal of the plan: how often the behaviours are seen now, the business impact, a comment."""
    try:
        follow_up = surveys.open_survey(token=token, user=request.user)
    except surveys.SurveyRefused as refusal:
        return _refused(request, refusal, kind="survey")
    goals = survey_selectors.survey_goals(follow_up)
    data = request.POST if request.method == "POST" else None
    forms = [GoalAnswerForm(data, goal=goal) for goal in goals]
    errors = []
    if request.method == "POST":
        if all([form.is_valid() for form in forms]):  # noqa: C419 -- validate every form, to show every error
            try:
                surveys.answer_survey(survey=follow_up, answers={form.goal.pk: form.answer() for form in forms})
            except surveys.SurveyRefused as refusal:
                return _refused(request, refusal, kind="survey")
            except ValidationError as error:
                errors = _errors(error)
            else:
                context = {"survey": follow_up, "person": follow_up.plan.person}
                return render(request, "devplans/surveys/thanks.html", context)
        else:
            errors = ["Some answers need another look; see the marked skills below. Nothing was saved yet."]
    context = {
        "survey": follow_up,
        "person": follow_up.plan.person,
        "is_self": follow_up.role == FollowUpSurvey.Role.EMPLOYEE,
        "respondent_name": surveys.first_name(follow_up.respondent),
        "forms": forms,
        "errors": errors,
    }
    return render(request, "devplans/surveys/survey.html", context, status=400 if errors else 200)


@login_not_required
@require_http_methods(["GET", "POST"])
def observation(request, token):
    """After a completed course: “What change have you seen?”, recorded on the plan like one from the plan page."""
    try:
        ask = surveys.open_observation_request(token=token, user=request.user)
    except surveys.SurveyRefused as refusal:
        return _refused(request, refusal, kind="observation")
    form = ObservationAnswerForm(request.POST if request.method == "POST" else None)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            try:
                surveys.answer_observation_request(request=ask, text=form.cleaned_data["text"])
            except surveys.SurveyRefused as refusal:
                return _refused(request, refusal, kind="observation")
            except ValidationError as error:
                errors = _errors(error)
            else:
                return render(request, "devplans/surveys/observation_thanks.html", {"item": ask.learning_item})
        else:
            errors = [message for messages in form.errors.values() for message in messages]
    context = {
        "item": ask.learning_item,
        "person": ask.learning_item.plan.person,
        "form": form,
        "errors": errors,
    }
    return render(request, "devplans/surveys/observation.html", context, status=400 if errors else 200)
