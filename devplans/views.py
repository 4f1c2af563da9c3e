from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assessments.selectors import role_of
from people.selectors import reports_of, roles_for
from skillbridge.authz import person_required

from . import agreement_selectors, selectors, services
from .forms import PreferredFormatsForm
from .view_helpers import plan_context


def my_plan(request, form=None):
    """The employee's own page: who they are, who their manager is, their gaps, courses and plan.

    With an open plan it shows what to do next, progress per goal, the courses and practice with the
    forms that are the person's (mark done, postpone, reflect), check-ins, feedback and the confirm button.
    """
    person = roles_for(request.user).person
    reports = reports_of(request.user, person) if person else []
    if person and form is None:
        form = PreferredFormatsForm(initial={"formats": person.preferred_formats})
    context = {"person": person, "reports": reports, "role": role_of(person), "formats_form": form}
    if person:
        context["waiting"] = agreement_selectors.waiting_for_you(request.user, reports=False)
        plans = list(selectors.plans_of(request.user, person))
        open_plan = next((p for p in plans if p.is_open), None)
        context["past_plans"] = [p for p in plans if not p.is_open]
        if open_plan is not None:
            context.update(plan_context(request, open_plan, next_page="my_plan"))
    return render(request, "devplans/my_plan.html", context, status=400 if form is not None and form.is_bound else 200)


@person_required
@require_POST
def set_preferred_formats(request):
    form = PreferredFormatsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Those formats were not understood; nothing was changed.")
        return my_plan(request, form=form)
    services.set_preferred_formats(person=roles_for(request.user).person, formats=form.cleaned_data["formats"])
    messages.success(request, "Saved: courses in the formats you ticked are recommended first.")
    return redirect("devplans:my_plan")
