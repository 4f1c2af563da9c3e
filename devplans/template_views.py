"""Plan templates: L&D, HR and admins define them; managers read the offered ones and apply them."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from people.selectors import roles_for
from skillbridge.authz import _role_required, manager_required

from . import plan_templates
from .models import PlanTemplate, TemplateCourse, TemplateGoal, TemplatePractice
from .template_forms import (
    ApplyTemplateForm,
    PlanTemplateForm,
    TemplateCourseForm,
    TemplateGoalForm,
    TemplatePracticeForm,
)

curator_required = _role_required(lambda r: r.is_ld or r.is_hr or r.is_admin)
reader_required = _role_required(lambda r: r.is_ld or r.is_hr or r.is_admin or r.is_manager)


@dataclass(frozen=True)
class Part:
    """One kind of row on a template's page."""

    model: type
    form: type
    related: str
    save: object
    noun: str


PARTS = {
    "goal": Part(TemplateGoal, TemplateGoalForm, "goals", plan_templates.save_template_goal, "goal"),
    "course": Part(TemplateCourse, TemplateCourseForm, "courses", plan_templates.save_template_course, "course"),
    "practice": Part(
        TemplatePractice, TemplatePracticeForm, "practice", plan_templates.save_template_practice, "practice item"
    ),
}


def _template(request, pk) -> PlanTemplate:
    return get_object_or_404(plan_templates.templates_for(request.user), pk=pk)


def _posted(request):
    """The submitted data on POST (even when empty, so an empty form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@reader_required
def template_list(request):
    roles = roles_for(request.user)
    return render(
        request,
        "devplans/plan_templates/template_list.html",
        {
            "templates": plan_templates.templates_for(request.user),
            "can_curate": plan_templates.may_curate(request.user),
            "can_apply": roles.is_manager,
        },
    )


@reader_required
def template_detail(request, pk):
    template = _template(request, pk)
    contents = plan_templates.template_contents(template, skills=plan_templates.current_skills())
    return render(
        request,
        "devplans/plan_templates/template_detail.html",
        {
            "template": template,
            **contents,
            "can_curate": plan_templates.may_curate(request.user),
            "can_apply": roles_for(request.user).is_manager and template.is_active,
        },
    )


@curator_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk=None):
    template = _template(request, pk) if pk else PlanTemplate()
    form = PlanTemplateForm(_posted(request), instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            saved = plan_templates.save_template(
                by=request.user, template=template if pk else None, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{saved.name}” is saved." + ("" if pk else " Now add its goals."))
            return redirect(saved)
    return render(
        request,
        "devplans/plan_templates/template_form.html",
        {"form": form, "template": template},
        status=_status(form),
    )


@curator_required
@require_POST
def template_duplicate(request, pk):
    copy = plan_templates.duplicate_template(template=_template(request, pk), by=request.user)
    messages.success(request, "A copy is ready to edit. Managers do not see it until you tick “Offered to managers”.")
    return redirect("devplans:template_edit", pk=copy.pk)


@curator_required
@require_POST
def template_set_active(request, pk):
    template = _template(request, pk)
    active = request.POST.get("active") == "1"
    plan_templates.set_template_active(template=template, active=active)
    if active:
        messages.success(request, f"“{template.name}” is offered to managers again.")
    else:
        messages.success(request, f"“{template.name}” is retired: managers no longer see it. Plans made from it stay.")
    return redirect(template)


@curator_required
@require_http_methods(["GET", "POST"])
def part_edit(request, pk, kind, item_pk=None):
    """Add (item_pk None) or change one goal, course or practice item of a template."""
    part = PARTS[kind]
    template = _template(request, pk)
    item = get_object_or_404(getattr(template, part.related), pk=item_pk) if item_pk else part.model(template=template)
    options = {"skills": plan_templates.current_skills()}
    if kind == "course":
        options["courses"] = plan_templates.courses_to_offer(current=item.course_id)
    form = part.form(_posted(request), instance=item, **options)
    if request.method == "POST" and form.is_valid():
        try:
            part.save(template=template, item=item if item_pk else None, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The {part.noun} is saved in “{template.name}”.")
            return redirect(template)
    return render(
        request,
        "devplans/plan_templates/part_form.html",
        {"form": form, "template": template, "item": item, "noun": part.noun, "is_new": not item_pk},
        status=_status(form),
    )


@curator_required
@require_POST
def part_remove(request, pk, kind, item_pk):
    part = PARTS[kind]
    template = _template(request, pk)
    plan_templates.remove_template_item(item=get_object_or_404(getattr(template, part.related), pk=item_pk))
    messages.success(request, f"The {part.noun} was removed from “{template.name}”. Plans made from it keep theirs.")
    return redirect(template)


@manager_required
@require_http_methods(["GET", "POST"])
def template_apply(request, pk):
    """A manager ticks people in their chain; each gets a draft plan, or the missing items added to theirs."""
    template = get_object_or_404(plan_templates.templates_for(request.user).filter(is_active=True), pk=pk)
    people = plan_templates.people_to_apply(request.user)
    form = ApplyTemplateForm(_posted(request), people=people)
    if request.method == "POST" and form.is_valid():
        try:
            plans = plan_templates.apply_template(
                template=template, people=form.cleaned_data["people"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            created = sum(plan.added.created for plan in plans)
            messages.success(
                request,
                f"“{template.name}” is applied: {created} new draft plan{'s' if created != 1 else ''}, "
                f"{len(plans) - created} plan{'s' if len(plans) - created != 1 else ''} added to. "
                "Open each plan to adjust it with the person.",
            )
            return render(request, "devplans/plan_templates/applied.html", {"template": template, "plans": plans})
    ticked = {str(value) for value in form["people"].value() or []}
    return render(
        request,
        "devplans/plan_templates/apply.html",
        {"template": template, "form": form, "people": list(people), "ticked": ticked},
        status=_status(form),
    )
