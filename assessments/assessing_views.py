"""Pages for assessing a person: start, rate skill by skill (saved as you go), submit, read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from catalog.request_selectors import suggested_courses_for
from people.selectors import person_for, roles_for, visible_people

from . import scoring, selectors
from .forms import PersonRoleForm, SkillSectionForm, skill_section_initial
from .models import Assessment, Rating
from .services import assessing
from .services.roles import set_person_role


@require_POST
def start(request, pk):
    """Open (or resume) the acting manager's draft assessment of someone in their chain."""
    person = get_object_or_404(selectors.assessable_people(request.user), pk=pk)
    rubric = selectors.current_rubric()
    if rubric is None:
        messages.error(request, "No rubric has been published yet; ask L&D.")
        return redirect(person.get_absolute_url())
    return _open_draft(request, person, Assessment.Kind.MANAGER, rubric)


@require_POST
def start_self(request):
    """Open (or resume) the acting employee's self-assessment."""
    me = person_for(request.user)
    rubric = selectors.current_rubric()
    if me is None or rubric is None:
        messages.error(request, "A self-assessment needs you in the org chart and a published rubric.")
        return redirect("devplans:my_plan")
    return _open_draft(request, me, Assessment.Kind.SELF, rubric)


def _open_draft(request, person, kind, rubric):
    role = selectors.role_of(person)
    draft = assessing.start_assessment(
        person=person,
        assessor=request.user,
        kind=kind,
        rubric=rubric,
        profile=role.profile_for_gaps if role else None,
    )
    return redirect("assessments:assessment", pk=draft.pk)


def _sections(assessment):
    """One bound-to-initial form per skill, with its level now and its target."""
    ratings = dict(Rating.objects.filter(assessment=assessment).values_list("behaviour_id", "frequency"))
    results = {r.skill_id: r for r in assessment.skill_results.all()}
    targets = assessing.targets_for(assessment.role_profile)
    levels = assessing.preview_levels(assessment)
    sections = []
    for skill in selectors.skills_of(assessment.rubric_version):
        form = SkillSectionForm(skill=skill, initial=skill_section_initial(skill, ratings, results.get(skill.pk)))
        sections.append(_section(assessment, skill, form, levels.get(skill.pk), targets.get(skill.key)))
    return sections


def _section(assessment, skill, form, level, target, saved=False, error=""):
    return {
        "assessment": assessment,
        "skill": skill,
        "form": form,
        "level": level,
        "target": target,
        "below_target": scoring.gap(target=target, level=level) > 0,
        "saved": saved,
        "error": error,
    }


def _readers(assessment) -> str:
    """Who will read the notes and triage answers: whoever may see the person, once it is submitted."""
    if assessment.kind == Assessment.Kind.SELF:
        return "Your manager, the managers above them and HR can read this once you submit. Only you see the draft."
    return (
        f"{assessment.person.full_name}, their managers up the chain and HR can read this once you submit. "
        "Only you see the draft."
    )


def _progress(assessment, sections=None) -> dict:
    """The sticky bar's figures: the skills still waiting for triage answers, and how many are rated."""
    levels = assessing.preview_levels(assessment)
    if sections is None:
        skills = list(assessment.rubric_version.skills.order_by("order", "name"))
    else:
        skills = [section["skill"] for section in sections]
    return {
        "missing": assessing.triage_missing(assessment, levels=levels, skills=skills),
        "rated_count": sum(1 for skill in skills if levels.get(skill.pk) is not None),
        "skill_count": len(skills),
    }


def assessment(request, pk):
    """The draft being written (only its assessor), or a submitted assessment (whoever may see the person)."""
    draft = selectors.own_draft(request.user, pk).first()
    if draft is None:
        submitted = get_object_or_404(selectors.visible_assessments(request.user), pk=pk)
        roles = roles_for(request.user)
        return render(
            request,
            "assessments/assessment_result.html",
            {
                "assessment": submitted,
                "results": selectors.results_of(submitted),
                "can_plan": submitted.kind == Assessment.Kind.MANAGER
                and selectors.assessable_people(request.user).filter(pk=submitted.person_id).exists(),
                "is_self": roles.person is not None and roles.person.pk == submitted.person_id,
            },
        )
    sections = _sections(draft)
    return render(
        request,
        "assessments/assess.html",
        {"assessment": draft, "sections": sections, "readers": _readers(draft), **_progress(draft, sections)},
    )


@require_POST
def save_skill(request, pk, skill_pk):
    """Save one skill's section.

    The page's autosave (htmx request headers) gets back only the parts that show state: the level line,
    the section's errors and the sticky bar, never the fields, so nothing typed meanwhile is replaced. A
    save that worked carries X-Autosave: saved, so a login page reached through a redirect is never taken
    for a save. A plain post goes back to the page.
    """
    draft = get_object_or_404(selectors.own_draft(request.user, pk))
    skill = get_object_or_404(selectors.skills_of(draft.rubric_version), pk=skill_pk)
    form = SkillSectionForm(request.POST, skill=skill)
    target = assessing.targets_for(draft.role_profile).get(skill.key)
    if not form.is_valid():
        if request.htmx:
            level = scoring.skill_level(form.observed())
            return render(
                request,
                "assessments/partials/skill_errors.html",
                {"section": _section(draft, skill, form, level, target)},
                status=400,
            )
        return HttpResponseBadRequest(" ".join(e for errors in form.errors.values() for e in errors))
    try:
        assessing.save_skill(assessment=draft, skill=skill, frequencies=form.frequencies(), answers=form.answers())
    except ValidationError as exc:
        if request.htmx:
            section = _section(draft, skill, form, None, target, error=" ".join(exc.messages))
            return render(request, "assessments/partials/skill_errors.html", {"section": section}, status=400)
        return HttpResponseBadRequest(" ".join(exc.messages))
    if not request.htmx:
        messages.success(request, f"{skill.name} is saved.")
        return redirect(reverse("assessments:assessment", args=[draft.pk]) + f"#skill-{skill.pk}")
    level = scoring.skill_level(form.observed())
    response = render(
        request,
        "assessments/partials/skill_saved.html",
        {"section": _section(draft, skill, form, level, target, saved=True), **_progress(draft)},
    )
    response["X-Autosave"] = "saved"
    return response


@require_POST
def submit(request, pk):
    assessment = get_object_or_404(selectors.visible_assessments(request.user), pk=pk)
    if assessment.assessor_id != request.user.pk:
        raise Http404
    try:
        assessing.submit_assessment(assessment=assessment)
    except ValidationError as exc:
        page = reverse("assessments:assessment", args=[assessment.pk])
        for error in exc.error_list:
            params = error.params or {}
            if "skill_id" in params:
                messages.error(
                    request,
                    format_html(
                        '<a href="{}#skill-{}" data-goto-skill="{}">{}</a> is below the target level: '
                        "answer the three questions about it.",
                        page,
                        params["skill_id"],
                        params["skill_id"],
                        params["name"],
                    ),
                )
            else:
                messages.error(request, error.message % params if params else error.message)
        return redirect(page)
    messages.success(request, f"The assessment of {assessment.person.full_name} is submitted.")
    return redirect("assessments:assessment", pk=assessment.pk)


def _without_suggestions(ranking, suggestions, limit=5):
    """L&D's suggestions are listed on their own: drop them from the ranked courses (they still cover their gap)."""
    suggested = {course.pk for course, _ in suggestions}
    kept = [r for r in ranking.recommendations if r.course.course_id not in suggested][:limit]
    return ranking._replace(recommendations=kept)


def gaps(request, pk):
    """A person's ranked gaps, level against target, history and self-assessment.

    A page of its own, and a fragment that the person page loads with htmx.
    """
    person = get_object_or_404(visible_people(request.user), pk=pk)
    roles = roles_for(request.user)
    can_assess = bool(roles.person and selectors.assessable_people(request.user).filter(pk=person.pk).exists())
    role = selectors.role_of(person)
    overview = selectors.gap_overview(person)
    suggestions = suggested_courses_for(person)
    context = {
        "person": person,
        "overview": overview,
        "suggestions": suggestions,
        "ranking": _without_suggestions(
            selectors.recommendations_for(
                person,
                gaps=overview["gaps"],
                exclude_course_ids=selectors.taken_courses(person),
                outcomes=selectors.course_outcomes(),
                limit=5 + len(suggestions),
            ),
            suggestions,
        ),
        "can_request": can_assess and person.is_active,
        "can_assess": can_assess,
        "role": role,
        "role_form": PersonRoleForm(
            initial={"current_profile": role.current_profile_id, "target_profile": role.target_profile_id}
            if role
            else {}
        )
        if can_assess or roles.is_hr or roles.is_admin
        else None,
        "is_self": roles.person is not None and roles.person.pk == person.pk,
        "chart_id": f"gap-data-{person.pk}",
    }
    template = "assessments/partials/gaps.html" if request.htmx else "assessments/gaps.html"
    return render(request, template, context)


@require_POST
def set_role(request, pk):
    """A manager up the chain (or HR) sets the role a person holds and the one they are aiming for."""
    roles = roles_for(request.user)
    people = (
        visible_people(request.user) if (roles.is_hr or roles.is_admin) else selectors.assessable_people(request.user)
    )
    person = get_object_or_404(people, pk=pk)
    form = PersonRoleForm(request.POST)
    if form.is_valid():
        set_person_role(
            person=person, current=form.cleaned_data["current_profile"], target=form.cleaned_data["target_profile"]
        )
        messages.success(request, f"{person.full_name}'s roles are saved; new assessments measure against them.")
    else:
        for error in form.non_field_errors() or ["That role was not understood."]:
            messages.error(request, error)
    return redirect(person.get_absolute_url())
