"""Managers ask L&D for help about one person; L&D take, answer (suggesting courses) and close."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from skillbridge.authz import ld_required

from . import request_selectors as selectors
from . import request_services as services
from .request_forms import AnswerForm, LearningRequestForm, ReplyForm

PAGE_SIZE = 25


def _asker_required(view):
    """Managers (and administrators) may ask L&D; everyone else is refused."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.may_ask(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@_asker_required
@require_http_methods(["GET", "POST"])
def request_new(request, person_pk):
    person = get_object_or_404(selectors.askable_people(request.user), pk=person_pk)
    if request.method == "POST":
        form = LearningRequestForm(request.POST)
        if form.is_valid():
            try:
                learning_request = services.create_learning_request(
                    by=request.user, person=person, note=form.cleaned_data["note"], skill=form.cleaned_data["skill"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your request is with L&D. You will get an e-mail when they answer.")
                return redirect("catalog:request_detail", pk=learning_request.pk)
    else:
        skill = selectors.skills_to_ask_about().filter(key=request.GET.get("skill", "")[:60]).first()
        form = LearningRequestForm(initial={"skill": skill.pk if skill else None})
    return render(request, "catalog/requests/request_form.html", {"form": form, "person": person})


def request_list(request):
    user = request.user
    is_queue = selectors.handles_requests(user)
    if not (is_queue or selectors.may_ask(user)):
        raise PermissionDenied
    skills = list(selectors.skills_to_ask_about())
    default_status = "open" if is_queue else "all"
    status = request.GET.get("status") or default_status
    if status not in selectors.STATUS_FILTERS:
        status = default_status
    skill_key = request.GET.get("skill", "")
    if skill_key not in {s.key for s in skills}:
        skill_key = ""
    search = request.GET.get("q", "").strip()[:100]

    scope = selectors.requests_for(user)
    filtered = selectors.filter_requests(scope, skill_key=skill_key, search=search, status="all")
    counts = selectors.status_counts(filtered)
    requests = selectors.filter_requests(filtered, status=status)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page") or 1)

    kept = {"skill": skill_key, "q": search}
    tabs = [
        {
            "value": value,
            "label": label,
            "count": counts[value],
            "active": value == status,
            "query": urlencode({**{k: v for k, v in kept.items() if v}, "status": value}),
        }
        for value, (label, _) in selectors.STATUS_FILTERS.items()
    ]
    return render(
        request,
        "catalog/requests/request_list.html",
        {
            "is_queue": is_queue,
            "page": page,
            "tabs": tabs,
            "status": status,
            "skills": skills,
            "skill_key": skill_key,
            "search": search,
            "query": urlencode({**{k: v for k, v in kept.items() if v}, "status": status}) + "&",
            "filtered": bool(skill_key or search),
        },
    )


def _thread(request, pk):
    return get_object_or_404(selectors.request_thread(request.user, pk))


def _render_detail(request, learning_request, *, answer_form=None, reply_form=None, status=200):
    user = request.user
    is_ld = selectors.handles_requests(user)
    is_requester = learning_request.requested_by_id == user.pk
    is_closed = learning_request.status == learning_request.Status.CLOSED
    context = {
        "learning_request": learning_request,
        "thread": list(learning_request.messages.all()),
        "suggested": list(learning_request.suggested_courses.all()),
        "is_ld": is_ld,
        "is_requester": is_requester,
        "is_closed": is_closed,
        "requested_by_name": services.display_name(learning_request.requested_by),
        "handled_by_name": services.display_name(learning_request.handled_by) if learning_request.handled_by else "",
    }
    if not is_closed and is_ld:
        answer_form = answer_form or AnswerForm(learning_request=learning_request)
        options = list(answer_form.fields["courses"].queryset)
        picked = {str(v) for v in (answer_form["courses"].value() or [])}
        context.update(
            answer_form=answer_form,
            skill_courses=[c for c in options if c.for_skill],
            other_courses=[c for c in options if not c.for_skill],
            picked=picked,
        )
    if not is_closed and is_requester:
        context["reply_form"] = reply_form or ReplyForm()
    return render(request, "catalog/requests/request_detail.html", context, status=status)


def request_detail(request, pk):
    return _render_detail(request, _thread(request, pk))


def _refuse_closed(request, learning_request):
    if learning_request.status == learning_request.Status.CLOSED:
        messages.error(request, "This request is closed, so nothing was changed.")
        return redirect("catalog:request_detail", pk=learning_request.pk)
    return None


@ld_required
@require_POST
def request_take(request, pk):
    learning_request = _thread(request, pk)
    if refused := _refuse_closed(request, learning_request):
        return refused
    try:
        services.take_learning_request(learning_request=learning_request, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "You are handling this request.")
    return redirect("catalog:request_detail", pk=learning_request.pk)


@ld_required
@require_POST
def request_answer(request, pk):
    learning_request = _thread(request, pk)
    if refused := _refuse_closed(request, learning_request):
        return refused
    form = AnswerForm(request.POST, learning_request=learning_request)
    if form.is_valid():
        try:
            services.answer_learning_request(
                learning_request=learning_request,
                by=request.user,
                body=form.cleaned_data["body"],
                courses=form.cleaned_data["courses"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your answer is sent to the manager.")
            return redirect("catalog:request_detail", pk=learning_request.pk)
    return _render_detail(request, learning_request, answer_form=form)


@require_POST
def request_reply(request, pk):
    learning_request = _thread(request, pk)
    if learning_request.requested_by_id != request.user.pk:
        raise PermissionDenied
    if refused := _refuse_closed(request, learning_request):
        return refused
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_to_learning_request(
                learning_request=learning_request, by=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your reply is sent to L&D.")
            return redirect("catalog:request_detail", pk=learning_request.pk)
    return _render_detail(request, learning_request, reply_form=form)


@require_POST
def request_close(request, pk):
    learning_request = _thread(request, pk)
    if not (selectors.handles_requests(request.user) or learning_request.requested_by_id == request.user.pk):
        raise PermissionDenied
    if refused := _refuse_closed(request, learning_request):
        return refused
    try:
        services.close_learning_request(learning_request=learning_request, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "The request is closed.")
    return redirect("catalog:request_detail", pk=learning_request.pk)
