from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from people.selectors import roles_for
from skillbridge.authz import ld_required

from . import selectors, services
from .forms import CourseFilterForm, CourseForm, CourseSkillFormSet
from .models import Course

PAGE_SIZE = 25


def course_list(request):
    skills = list(selectors.current_skills())
    form = CourseFilterForm(request.GET, skills=skills)
    roles = roles_for(request.user)
    if form.is_valid():
        data = form.cleaned_data
    else:
        messages.warning(request, "That filter was not understood, so the whole catalog is shown.")
        form = CourseFilterForm(skills=skills)
        data = {}
    filters = {
        "search": (data.get("q") or "").strip(),
        "course_format": data.get("format") or "",
        "skill_key": data.get("skill") or "",
        "max_minutes": data.get("max_minutes"),
        "max_cost": data.get("max_cost"),
        "sort": data.get("sort") or "",
        "include_retired": bool(data.get("retired")) and (roles.is_ld or roles.is_admin),
    }
    courses = selectors.courses_for(request.user, **filters)
    page = Paginator(courses, PAGE_SIZE).get_page(data.get("page") or 1)
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"}) + "&"
    return render(
        request,
        "catalog/course_list.html",
        {"form": form, "page": page, "query": query, "can_curate": roles.is_ld or roles.is_admin},
    )


def course_detail(request, pk):
    roles = roles_for(request.user)
    courses = selectors.course(pk)
    if not (roles.is_ld or roles.is_admin):
        courses = courses.filter(is_active=True)
    course = get_object_or_404(courses)
    return render(
        request, "catalog/course_detail.html", {"course": course, "can_curate": roles.is_ld or roles.is_admin}
    )


@ld_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk=None):
    course = get_object_or_404(Course, pk=pk) if pk else Course()
    form = CourseForm(request.POST or None, instance=course)
    # The pre-filled skill row is for showing the form only. Given again with the posted data, it would be the
    # row's "initial" value: a row saved as shown would count as unchanged and be dropped, so the course would
    # be saved covering nothing.
    prefill = _skill_from_query(request.GET) if request.method == "GET" and not pk else None
    formset = CourseSkillFormSet(request.POST or None, instance=course, prefix="skills", initial=prefill)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = services.save_course(form=form, formset=formset)
        messages.success(request, f"“{saved.title}” is saved.")
        return redirect("catalog:course_detail", pk=saved.pk)
    return render(request, "catalog/course_form.html", {"form": form, "formset": formset, "course": course})


@ld_required
@require_POST
def course_set_active(request, pk):
    course = get_object_or_404(Course, pk=pk)
    active = request.POST.get("active") == "1"
    services.set_course_active(course=course, active=active)
    messages.success(request, f"“{course.title}” is {'offered again' if active else 'retired: no longer offered'}.")
    return redirect("catalog:course_detail", pk=course.pk)


@ld_required
@require_POST
def course_duplicate(request, pk):
    copy = services.duplicate_course(course=get_object_or_404(Course, pk=pk))
    messages.success(request, "A copy is ready to edit. It is not offered until you tick Active.")
    return redirect("catalog:course_edit", pk=copy.pk)


def _skill_from_query(query) -> list[dict] | None:
    """A new course's first skill row, filled in from ?skill=<key>&from=<level>&to=<level> (the demand page's
    "Add a course"). Anything not understood is ignored: the form starts empty."""
    skill = selectors.current_skills().filter(key=query.get("skill", "")).first()
    if skill is None:
        return None
    try:
        level_from, level_to = int(query.get("from", 1)), int(query.get("to", 3))
    except ValueError:
        level_from, level_to = 1, 3
    if not 1 <= level_from < level_to <= 4:
        level_from, level_to = 1, 3
    return [{"skill": skill.pk, "level_from": level_from, "level_to": level_to}]
