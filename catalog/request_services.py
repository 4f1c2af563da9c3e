"""Writes for managers' requests to L&D: one function per action, each e-mailing the other side.

E-mails go through the outbox (people.outbox.record_email): recorded in the
same transaction as the change, sent after it commits, never twice.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from people.outbox import absolute_url, record_email, render_email

from . import request_selectors as selectors
from .models import LearningRequest, RequestMessage

Status = LearningRequest.Status


def display_name(user) -> str:
    """A user's name as people know it: the org chart name, else the account's name or address."""
    if user is None:
        return "someone who has left"
    person = getattr(user, "person", None)  # no org chart entry: the reverse accessor raises AttributeError
    return (person.full_name if person else "") or user.get_full_name() or user.email or user.get_username()


def _locked(learning_request: LearningRequest) -> LearningRequest:
    """The request, re-read under a row lock, refusing changes once it is closed."""
    locked = (
        LearningRequest.objects.select_for_update(of=("self",))
        .select_related("person", "skill", "requested_by", "handled_by")
        .get(pk=learning_request.pk)
    )
    if locked.status == Status.CLOSED:
        raise ValidationError("This request is closed, so it cannot change any more. Ask again if you need more help.")
    return locked


def _clean_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"Write {what} first.")
    return text


def _link(learning_request) -> str:
    return absolute_url(reverse("catalog:request_detail", args=[learning_request.pk]))


def _course_link(course) -> str:
    return absolute_url(reverse("catalog:course_detail", args=[course.pk]))


def _email(*, key: str, kind: str, user, context: dict) -> None:
    if not (user and user.is_active and user.email):
        return
    subject, body = render_email(kind, {**context, "recipient_name": display_name(user)})
    record_email(key=key, kind=kind, to=user.email, subject=subject, body=body, recipient=user)


def _email_ld_team(*, key_prefix: str, kind: str, context: dict, exclude=None) -> None:
    for user in selectors.ld_team():
        if exclude is not None and user.pk == exclude.pk:
            continue
        _email(key=f"{key_prefix}:{user.pk}", kind=kind, user=user, context=context)


@transaction.atomic
def create_learning_request(*, by, person, note: str, skill=None) -> LearningRequest:
    """A manager asks L&D for help with one person below them; every L&D user gets an e-mail."""
    if not selectors.may_ask(by) or not selectors.askable_people(by).filter(pk=person.pk).exists():
        raise ValidationError("You can ask L&D only about people in your team.")
    if skill is not None and not selectors.skills_to_ask_about().filter(pk=skill.pk).exists():
        raise ValidationError("Pick a skill from the current rubric.")
    note = _clean_text(note, "what help you need")
    learning_request = LearningRequest.objects.create(person=person, requested_by=by, skill=skill, note=note)
    _email_ld_team(
        key_prefix=f"request-new:{learning_request.pk}",
        kind="request_new",
        exclude=by,
        context={
            "request": learning_request,
            "person": person,
            "manager_name": display_name(by),
            "note": note,
            "link": _link(learning_request),
        },
    )
    return learning_request


@transaction.atomic
def take_learning_request(*, learning_request: LearningRequest, by) -> LearningRequest:
    """An L&D user takes a request: it is in progress and theirs."""
    if not selectors.handles_requests(by):
        raise PermissionDenied
    locked = _locked(learning_request)
    locked.status = Status.IN_PROGRESS
    locked.handled_by = by
    locked.save(update_fields=["status", "handled_by", "updated_at"])
    return locked


@transaction.atomic
def answer_learning_request(*, learning_request: LearningRequest, by, body: str, courses=()) -> RequestMessage:
    """L&D answer, optionally suggesting active courses; the manager gets an e-mail."""
    if not selectors.handles_requests(by):
        raise PermissionDenied
    locked = _locked(learning_request)
    body = _clean_text(body, "your answer")
    courses = list(courses)
    if any(not course.is_active for course in courses):
        raise ValidationError("Only courses on offer can be suggested; a retired one was picked.")
    message = RequestMessage.objects.create(request=locked, author=by, body=body)
    if courses:
        locked.suggested_courses.add(*courses)
    locked.status = Status.ANSWERED
    locked.handled_by = locked.handled_by or by
    locked.save(update_fields=["status", "handled_by", "updated_at"])
    _email(
        key=f"request-answer:{message.pk}",
        kind="request_answer",
        user=locked.requested_by,
        context={
            "request": locked,
            "person": locked.person,
            "author_name": display_name(by),
            "body": body,
            "courses": [(course, _course_link(course)) for course in courses],
            "link": _link(locked),
        },
    )
    return message


@transaction.atomic
def reply_to_learning_request(*, learning_request: LearningRequest, by, body: str) -> RequestMessage:
    """The requesting manager writes back: the request reopens and L&D get an e-mail."""
    if learning_request.requested_by_id != by.pk:
        raise PermissionDenied
    locked = _locked(learning_request)
    body = _clean_text(body, "your reply")
    message = RequestMessage.objects.create(request=locked, author=by, body=body)
    locked.status = Status.IN_PROGRESS if locked.handled_by_id else Status.NEW
    locked.save(update_fields=["status", "updated_at"])
    context = {
        "request": locked,
        "person": locked.person,
        "author_name": display_name(by),
        "body": body,
        "link": _link(locked),
    }
    handler = locked.handled_by
    if handler and handler.is_active and handler.email:
        _email(key=f"request-reply:{message.pk}:{handler.pk}", kind="request_reply", user=handler, context=context)
    else:
        _email_ld_team(key_prefix=f"request-reply:{message.pk}", kind="request_reply", context=context, exclude=by)
    return message


@transaction.atomic
def close_learning_request(*, learning_request: LearningRequest, by) -> LearningRequest:
    """L&D or the requesting manager closes a request: nothing more can be added to it."""
    if not (selectors.handles_requests(by) or learning_request.requested_by_id == by.pk):
        raise PermissionDenied
    locked = _locked(learning_request)
    locked.status = Status.CLOSED
    locked.save(update_fields=["status", "updated_at"])
    return locked
