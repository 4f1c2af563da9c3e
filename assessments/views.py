from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from skillbridge.authz import ld_required

from . import selectors
from .forms import BehaviourFormSet, PublishForm, SkillForm
from .models import RoleProfile, Skill
from .services import rubric as rubric_services


def _current_or_404():
    rubric = selectors.current_rubric()
    if rubric is None:
        raise Http404("No rubric has been published yet.")
    return rubric


def _draft_or_404():
    draft = selectors.draft_rubric()
    if draft is None:
        raise Http404("There is no draft; start one first.")
    return draft


def rubric(request):
    """The rubric in force: skills by category, with their behaviours and levels."""
    current = _current_or_404()
    return render(
        request, "assessments/rubric.html", {"rubric": current, "groups": selectors.skills_by_category(current)}
    )


def quick_reference(request):
    """A printable page for managers, made from the live rubric."""
    current = _current_or_404()
    skills = [(skill, selectors.warning_signs(skill)) for skill in current.skills.all()]
    return render(request, "assessments/quick_reference.html", {"rubric": current, "skills": skills})


def career_paths(request):
    return render(request, "assessments/career_paths.html", {"starts": selectors.career_starts()})


def career_path(request, key):
    start = get_object_or_404(RoleProfile, key=key)
    path = selectors.career_path(start)
    current = _current_or_404()
    rows = selectors.career_path_rows(path, list(current.skills.all()))
    return render(request, "assessments/career_path.html", {"start": start, "path": path, "rows": rows})


@ld_required
def manage_rubric(request):
    """L&D's page: the versions, and the draft being edited."""
    draft = selectors.draft_rubric()
    return render(
        request,
        "assessments/manage_rubric.html",
        {
            "draft": draft,
            "problems": rubric_services.publish_problems(draft) if draft else [],
            "versions": selectors.rubric_versions(),
            "publish_form": PublishForm(instance=draft) if draft else None,
        },
    )


@ld_required
@require_POST
def start_draft(request):
    draft = rubric_services.start_draft(by=request.user)
    messages.success(
        request, f"Draft v{draft.number} is ready to edit. Nothing changes for managers until you publish."
    )
    return redirect("assessments:manage_rubric")


@ld_required
@require_POST
def publish_draft(request):
    draft = _draft_or_404()
    form = PublishForm(request.POST, instance=draft)
    if not form.is_valid():
        messages.error(request, "The notes could not be saved: " + " ".join(form.errors.get("notes", [])))
        return redirect("assessments:manage_rubric")
    try:
        rubric_services.publish_draft(version=draft, by=request.user, notes=form.cleaned_data["notes"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("assessments:manage_rubric")
    messages.success(request, f"Rubric v{draft.number} is published. Past assessments keep their own version.")
    return redirect("assessments:manage_rubric")


@ld_required
@require_POST
def discard_draft(request):
    draft = _draft_or_404()
    rubric_services.discard_draft(version=draft)
    messages.success(request, "The draft was discarded.")
    return redirect("assessments:manage_rubric")


@ld_required
@require_http_methods(["GET", "POST"])
def edit_skill(request, pk=None):
    """Edit one skill of the draft and its behaviours (or add a new skill when pk is None)."""
    draft = _draft_or_404()
    skill = get_object_or_404(selectors.draft_skills(), pk=pk) if pk else Skill(rubric_version=draft)
    form = SkillForm(request.POST or None, instance=skill)
    formset = BehaviourFormSet(request.POST or None, instance=skill, prefix="behaviours")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = rubric_services.save_skill(form=form)
            formset.instance = saved
            rubric_services.save_behaviours(formset=formset)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{saved.name} is saved in draft v{draft.number}.")
            return redirect("assessments:manage_rubric")
    return render(request, "assessments/edit_skill.html", {"form": form, "formset": formset, "draft": draft})


@ld_required
@require_POST
def delete_skill(request, pk):
    skill = get_object_or_404(selectors.draft_skills(), pk=pk)
    rubric_services.delete_skill(skill=skill)
    messages.success(request, f"{skill.name} was removed from the draft.")
    return redirect("assessments:manage_rubric")
