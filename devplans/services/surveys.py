"""Writes for follow-up surveys and observation requests, and the signed links they open from.

The links
---------
A link carries ``Signer(salt=...).sign_object({"s": id, "n": nonce})``: the signature makes it tamper-proof, the
nonce ties it to one issue of the link (renew_survey_link draws a new one, so an old link stops working),
``expires_at`` decides expiry (settings.SURVEY_LINK_DAYS days, 30 by default) and ``answered_at`` makes it work
once. It opens without a password for whoever holds it, but never while someone else is logged in: the
e-mail goes to one person, and a colleague's session on a shared computer must not answer in their name.

Each refusal is a SurveyRefused (a ValidationError) of its own type with the HTTP status a page shows it with:
LinkTampered and SurveyNotFound 404, NotForYou 403, AlreadyAnswered and LinkExpired 410.

What the scheduler calls
------------------------
- create_follow_up_surveys(plan=...) six months after a plan is agreed (see
  devplans.survey_selectors.plans_due_for_follow_up), then invitation_context(survey) for each survey to
  render the "survey" e-mail with people.outbox.render_email and record it with people.outbox.record_email.
- create_observation_request(item=...) after a course is completed, then observation_invitation_context(...).
"""

import secrets
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone

from assessments import scoring
from devplans.models import (
    FollowUpSurvey,
    LearningItem,
    ObservationRequest,
    Plan,
    PlanEvent,
    SignedLinkRequest,
    SurveyAnswer,
)
from people.outbox import absolute_url

from .items import record_observation
from .timeline import name_of, record

SURVEY_SALT = "devplans.survey"
OBSERVATION_SALT = "devplans.observation"
COMMENT_MAX_LENGTH = 2000
OBSERVATION_MAX_LENGTH = 4000


def link_days() -> int:
    return getattr(settings, "SURVEY_LINK_DAYS", 30)


# --- refusals --------------------------------------------------------------------------------------------------------


class SurveyRefused(ValidationError):
    """A link that cannot be opened or answered; `status` is the HTTP status its page answers with."""

    status = 400

    def __init__(self, message, *, survey: SignedLinkRequest | None = None):
        super().__init__(message)
        self.survey = survey


class LinkTampered(SurveyRefused):
    """The signature does not match: the link was changed or cut short."""

    status = 404


class SurveyNotFound(SurveyRefused):
    """A well-signed link to something that no longer exists, or a link replaced by a newer one."""

    status = 404


class NotForYou(SurveyRefused):
    """Someone other than the person the link was sent to is logged in."""

    status = 403


class AlreadyAnswered(SurveyRefused):
    status = 410


class LinkExpired(SurveyRefused):
    status = 410


def first_name(user) -> str:
    person = getattr(user, "person", None)
    if person is not None and person.full_name.strip():
        return person.full_name.split()[0]
    if user is None:
        return "someone else"
    return user.first_name or user.email


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")


# --- the links, for any signed-link request ------------------------------------------------------------------------


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


def _token(row: SignedLinkRequest, *, salt: str) -> str:
    # A plain Signer, not signing.dumps: expiry is the row's expires_at, and without a timestamp in it
    # the same request always has the same link.
    return signing.Signer(salt=salt).sign_object({"s": row.pk, "n": row.nonce})


def _open(queryset, *, token: str, user, salt: str, now, what: str):
    """The request a link opens, or the refusal, in this order: tampered, unknown, someone else, answered, expired."""
    try:
        data = signing.Signer(salt=salt).unsign_object(token)
    except signing.BadSignature:
        raise LinkTampered(f"This {what} link is incomplete or was changed.") from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("n"), str):
        raise LinkTampered(f"This {what} link is incomplete or was changed.")
    row = queryset.filter(pk=data["s"], nonce=data["n"]).first()
    if row is None or row.respondent is None or not row.respondent.is_active:
        raise SurveyNotFound(f"This {what} link no longer works: a newer link replaced it, or it was withdrawn.")
    if getattr(user, "is_authenticated", False) and user.pk != row.respondent_id:
        name = first_name(row.respondent)
        raise NotForYou(
            f"This link is for {name}; log out or open it in a private window.",
            survey=row,
        )
    now = now or timezone.now()
    if row.is_answered:
        raise AlreadyAnswered(f"This {what} was already answered on {_when(row.answered_at)}.", survey=row)
    if row.is_expired(now):
        raise LinkExpired(f"This {what} link expired on {_when(row.expires_at)}.", survey=row)
    return row


def _lock_unanswered(model, pk: int, *, now, what: str):
    """The row locked for this transaction, refused if answered or expired meanwhile (a double submit)."""
    row = model.objects.select_for_update().get(pk=pk)
    if row.is_answered:
        raise AlreadyAnswered(f"This {what} was already answered on {_when(row.answered_at)}.", survey=row)
    if row.is_expired(now):
        raise LinkExpired(f"This {what} link expired on {_when(row.expires_at)}.", survey=row)
    return row


# --- follow-up surveys -----------------------------------------------------------------------------------------------


@transaction.atomic
def create_follow_up_surveys(*, plan: Plan, now=None) -> list[FollowUpSurvey]:
    """The plan's follow-up surveys: one for the person's manager, one for the person; idempotent.

    A survey already there is returned as it is (a retried task sends nothing new). A person without a manager
    gets only their own. A plan never agreed, or without goals, has nothing to follow up: ValidationError.
    """
    now = now or timezone.now()
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("person__user", "person__manager__user")
        .get(pk=plan.pk)
    )
    existing = {s.role: s for s in plan.surveys.select_related("respondent")}
    respondents = {FollowUpSurvey.Role.EMPLOYEE: plan.person.user}
    if plan.person.manager is not None:
        respondents[FollowUpSurvey.Role.MANAGER] = plan.person.manager.user
    missing = {role: user for role, user in respondents.items() if role not in existing}
    if not missing:
        return _in_order(existing)
    if plan.agreed_at is None:
        raise ValidationError("A plan that was never agreed has no follow-up survey.")
    if not plan.goals.exists():
        raise ValidationError("This plan has no goals to follow up.")
    for role, user in missing.items():
        try:
            with transaction.atomic():
                existing[role] = FollowUpSurvey.objects.create(
                    plan=plan,
                    role=role,
                    respondent=user,
                    created_at=now,
                    expires_at=now + timedelta(days=link_days()),
                    nonce=_new_nonce(),
                )
        except IntegrityError:  # created by a concurrent call after our read
            existing[role] = FollowUpSurvey.objects.get(plan=plan, role=role)
    return _in_order(existing)


def _in_order(by_role: dict) -> list[FollowUpSurvey]:
    return [by_role[role] for role in (FollowUpSurvey.Role.MANAGER, FollowUpSurvey.Role.EMPLOYEE) if role in by_role]


@transaction.atomic
def renew_survey_link(*, survey: FollowUpSurvey, now=None) -> FollowUpSurvey:
    """A new link for an unanswered survey (the old one stops working), valid SURVEY_LINK_DAYS from now."""
    now = now or timezone.now()
    survey = FollowUpSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.is_answered:
        raise AlreadyAnswered(f"This survey was already answered on {_when(survey.answered_at)}.", survey=survey)
    survey.nonce, survey.expires_at = _new_nonce(), now + timedelta(days=link_days())
    survey.save(update_fields=["nonce", "expires_at"])
    return survey


def survey_token(survey: FollowUpSurvey) -> str:
    """The signed token in the survey's link (the URL's <token>)."""
    return _token(survey, salt=SURVEY_SALT)


def survey_link(survey: FollowUpSurvey) -> str:
    """The survey's signed link, as a path (people.outbox.absolute_url makes it absolute for an e-mail)."""
    return reverse("devplans:survey", args=[survey_token(survey)])


def open_survey(*, token: str, user, now=None) -> FollowUpSurvey:
    """The survey a link opens for `user` (anonymous is fine), or a SurveyRefused saying why not."""
    queryset = FollowUpSurvey.objects.select_related(
        "respondent__person", "plan__person__manager__user", "plan__person__user"
    )
    return _open(queryset, token=token, user=user, salt=SURVEY_SALT, now=now, what="survey")


def invitation_context(survey: FollowUpSurvey) -> dict:
    """Context for the "survey" e-mail (templates/emails/survey_*.txt): survey, link, person, recipient_name, goals."""
    return {
        "survey": survey,
        "link": absolute_url(survey_link(survey)),
        "person": survey.plan.person,
        "recipient_name": first_name(survey.respondent),
        "goals": list(survey.plan.goals.all()),  # prefetched with their skills by the scheduler
    }


def _behaviour_value(value, *, skill_name: str):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= scoring.MAX_FREQUENCY:
        raise ValidationError(
            f"An answer for {skill_name} is outside the scale; choose never, rarely, sometimes, often, always "
            "or not observed."
        )
    return value


def outcome_of(*, level_now: int, level_before: int | None, target: int) -> str:
    """Gap closed when the level reaches the target, improved when it rose above the original level, else no change."""
    if level_now >= target:
        return SurveyAnswer.Outcome.GAP_CLOSED
    if level_before is not None and level_now > level_before:
        return SurveyAnswer.Outcome.IMPROVED
    return SurveyAnswer.Outcome.NO_CHANGE


def _answer_for(survey: FollowUpSurvey, goal, given: Mapping) -> SurveyAnswer:
    skill = goal.skill
    if not isinstance(given, Mapping):
        raise ValidationError(f"The answer for {skill.name} is incomplete.")
    behaviours = {b.pk: b for b in skill.behaviours.all()}
    frequencies = {}
    for key, value in (given.get("frequencies") or {}).items():
        try:
            behaviour = behaviours[int(key)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                f"An answer was for a behaviour that is not part of {skill.name}; reload the page and answer again."
            ) from None
        frequencies[behaviour.pk] = _behaviour_value(value, skill_name=skill.name)
    observed = [(value, behaviours[pk].is_warning) for pk, value in frequencies.items() if value is not None]
    level_now = scoring.skill_level(observed)
    if level_now is None:
        raise ValidationError(
            f"Say how often you see at least one behaviour of {skill.name} now (the rest may be “not observed”)."
        )
    impact = given.get("impact") or ""
    if impact not in SurveyAnswer.Impact.values:
        raise ValidationError(f"Choose the business impact you have seen for {skill.name}.")
    comment = str(given.get("comment") or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(f"The comment on {skill.name} is longer than {COMMENT_MAX_LENGTH} characters.")
    result = goal.source_result
    level_before = result.level if result is not None and result.level else goal.start_level
    target = result.target if result is not None and result.target else goal.target_level
    return SurveyAnswer(
        survey=survey,
        goal=goal,
        source_result=result,
        level_before=level_before,
        target_level=target,
        level_now=level_now,
        frequencies={str(pk): frequencies.get(pk) for pk in behaviours},
        impact=impact,
        comment=comment,
        outcome=outcome_of(level_now=level_now, level_before=level_before, target=target),
    )


def _outcome_line(answer: SurveyAnswer) -> str:
    name = answer.goal.skill.name
    if answer.level_before is None:
        return f"{name} {answer.get_outcome_display().lower()} (level now {answer.level_now})"
    return f"{name} {answer.get_outcome_display().lower()} (level {answer.level_before} → {answer.level_now})"


@transaction.atomic
def answer_survey(*, survey: FollowUpSurvey, answers: Mapping, now=None) -> list[SurveyAnswer]:
    """Save the answers for every goal of the plan, mark the survey answered, and add a line to the timeline.

    answers: {goal id: {"frequencies": {behaviour id: 0-4 or None}, "impact": "none"|"some"|"clear",
    "comment": str}}. Refused with nothing saved: a value outside 0-4, a behaviour not of the goal's skill, a
    goal not in the plan or one left out, no behaviour observed for a goal, an unknown impact (ValidationError);
    an answer after expiry (LinkExpired) or a second answer (AlreadyAnswered).
    """
    now = now or timezone.now()
    survey = _lock_unanswered(FollowUpSurvey, survey.pk, now=now, what="survey")
    plan = Plan.objects.get(pk=survey.plan_id)
    goals = {g.pk: g for g in plan.goals.select_related("skill", "source_result").prefetch_related("skill__behaviours")}
    try:
        given = {int(goal_id): answer for goal_id, answer in answers.items()}
    except (TypeError, ValueError):
        raise ValidationError("An answer was for a goal that is not part of this plan.") from None
    if given.keys() - goals.keys():
        raise ValidationError(
            "An answer was for a goal that is not part of this plan; reload the page and answer again."
        )
    missing = [goals[pk].skill.name for pk in goals if pk not in given]
    if missing:
        raise ValidationError("Answer for every skill of the plan; missing: " + ", ".join(missing) + ".")
    rows = [_answer_for(survey, goal, given[pk]) for pk, goal in goals.items()]
    SurveyAnswer.objects.bulk_create(rows)
    survey.answered_at = now
    survey.save(update_fields=["answered_at"])
    respondent = survey.respondent
    side = "" if survey.role == FollowUpSurvey.Role.MANAGER else " (self-view)"
    record(
        plan,
        by=respondent,
        kind=PlanEvent.Kind.SURVEY,
        summary=f"Follow-up from {name_of(respondent)}{side}: " + "; ".join(_outcome_line(a) for a in rows) + ".",
    )
    return rows


# --- observation requests --------------------------------------------------------------------------------------------


@transaction.atomic
def create_observation_request(*, item: LearningItem, now=None) -> ObservationRequest:
    """Ask the person's manager what change they have seen since a completed course; idempotent (one per course)."""
    now = now or timezone.now()
    item = LearningItem.objects.select_related("plan__person__manager__user").get(pk=item.pk)
    existing = ObservationRequest.objects.filter(learning_item=item).first()
    if existing is not None:
        return existing
    if item.status != LearningItem.Status.COMPLETED:
        raise ValidationError("Observations follow a completed course.")
    manager = item.plan.person.manager
    if manager is None:
        raise ValidationError(f"{item.plan.person.full_name} has no manager to ask.")
    try:
        with transaction.atomic():
            return ObservationRequest.objects.create(
                learning_item=item,
                respondent=manager.user,
                created_at=now,
                expires_at=now + timedelta(days=link_days()),
                nonce=_new_nonce(),
            )
    except IntegrityError:  # created by a concurrent call after our read
        return ObservationRequest.objects.get(learning_item=item)


def observation_token(request: ObservationRequest) -> str:
    """The signed token in the observation request's link (the URL's <token>)."""
    return _token(request, salt=OBSERVATION_SALT)


def observation_link(request: ObservationRequest) -> str:
    """The observation request's signed link, as a path."""
    return reverse("devplans:observation", args=[observation_token(request)])


def open_observation_request(*, token: str, user, now=None) -> ObservationRequest:
    """The observation request a link opens for `user`, or a SurveyRefused saying why not.

    A course the manager already wrote an observation on (from the plan page) counts as answered.
    """
    queryset = ObservationRequest.objects.select_related(
        "respondent__person",
        "learning_item__course",
        "learning_item__goal__skill",
        "learning_item__plan__person__manager__user",
    )
    request = _open(queryset, token=token, user=user, salt=OBSERVATION_SALT, now=now, what="observation request")
    if request.learning_item.observed_at is not None:
        raise AlreadyAnswered(
            f"What you have seen since “{request.learning_item.course.title}” was already recorded on "
            f"{_when(request.learning_item.observed_at)}.",
            survey=request,
        )
    return request


def observation_invitation_context(request: ObservationRequest) -> dict:
    """Context for the "observation_request" e-mail: item, person, manager, link (absolute), recipient_name, request."""
    item = request.learning_item
    return {
        "request": request,
        "item": item,
        "person": item.plan.person,
        "manager": item.plan.person.manager,
        "link": absolute_url(observation_link(request)),
        "recipient_name": first_name(request.respondent),
    }


@transaction.atomic
def answer_observation_request(*, request: ObservationRequest, text: str, now=None) -> LearningItem:
    """Record the manager's observation (devplans.services.items.record_observation) and close the request."""
    now = now or timezone.now()
    request = _lock_unanswered(ObservationRequest, request.pk, now=now, what="observation request")
    if len(text.strip()) > OBSERVATION_MAX_LENGTH:
        raise ValidationError(f"Keep it under {OBSERVATION_MAX_LENGTH} characters.")
    item = LearningItem.objects.select_related("course", "plan__person").get(pk=request.learning_item_id)
    if item.observed_at is not None:
        raise AlreadyAnswered(
            f"What you have seen since “{item.course.title}” was already recorded on {_when(item.observed_at)}.",
            survey=request,
        )
    item = record_observation(item=item, by=request.respondent, text=text)
    request.answered_at = now
    request.save(update_fields=["answered_at"])
    return item
