"""L&D's demand page: where the organisation's skill gaps are, and which ones no course covers."""

from django import forms
from django.contrib import messages
from django.shortcuts import render

from skillbridge.authz import ld_required

from . import demand as demand_selectors


class DemandFilterForm(forms.Form):
    department = forms.TypedChoiceField(label="Department", required=False, coerce=int, empty_value=None)
    skill = forms.ChoiceField(label="Skill", required=False)

    def __init__(self, *args, departments=(), skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "Every department")] + [(str(pk), name) for pk, name in departments]
        self.fields["skill"].choices = [("", "Every skill")] + [(s["key"], s["name"]) for s in skills]


@ld_required
def demand(request):
    """Skill gaps across the organisation by skill and level, uncovered demand first. No names."""
    departments = demand_selectors.departments()
    skills = demand_selectors.demand_skills()
    form = DemandFilterForm(request.GET, departments=departments, skills=skills)
    if form.is_valid():
        data = form.cleaned_data
    else:
        messages.warning(request, "That filter was not understood, so the whole organisation is shown.")
        form = DemandFilterForm(departments=departments, skills=skills)
        data = {}
    department_id, skill_key = data.get("department"), data.get("skill") or None
    return render(
        request,
        "assessments/demand.html",
        {
            "form": form,
            "demand": demand_selectors.demand(department_id=department_id, skill_key=skill_key, known_skills=skills),
            "department_name": dict(departments).get(department_id),
            "skill_name": next((s["name"] for s in skills if s["key"] == skill_key), None),
        },
    )
