"""Reads about where a plan's agreement stands: what it waits for, and the "Waiting for you" items.

The plan page's next step, the team dashboard's next action and the start pages' "Waiting for you" items all
say the same thing about the same state; the words are here (the dashboard's SQL mirrors agreement_step, and
devplans/tests/test_agreement_words.py holds the two together).
"""

from django.db.models import F, Q
from django.urls import reverse

from people.selectors import person_for

from .models import OPEN_STATUSES, Plan, PlanRevision


def _names(names: list[str]) -> str:
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def _step(key: str, text: str, label: str, anchor: str = "agreement") -> dict:
    return {"key": key, "text": text, "label": label, "anchor": anchor}


def agreement_step(
    plan: Plan,
    *,
    own: bool,
    direct_manager: bool,
    manages: bool,
    has_goals: bool,
    manager_confirmed: bool,
    employee_confirmed: bool,
) -> dict | None:
    """What the agreement of the current revision waits for, in the words of the one looking at it.

    {"key", "text", "label", "anchor"} or None when nothing waits: text is the plan page's next step, label
    the team dashboard's next action for the same state, key that action (dashboard.ACTIONS): "goals" (add
    a goal first), "confirm" (this user confirms), "waiting" (someone else confirms). The dashboard's SQL
    makes the same choice (devplans.dashboard); devplans/tests/test_agreement_words.py holds the two together.
    """
    if not plan.awaits_agreement:
        return None
    manager = plan.person.manager.full_name if plan.person.manager else "their manager"
    if not has_goals:
        if manages:
            return _step("goals", "Add a goal: the plan is agreed on its goals", "Add goals", "add-goal")
        return _step("waiting", f"Waiting for {manager} to add the goals", f"Waiting for {manager}")
    if own and not employee_confirmed:
        return _step("confirm", f"Read the plan and confirm revision {plan.revision}", "Confirm plan")
    if direct_manager and not manager_confirmed:
        return _step("confirm", f"Confirm revision {plan.revision} of the plan", "Confirm plan")
    waiting = [
        name
        for name, done, is_me in (
            (manager, manager_confirmed, direct_manager),
            (plan.person.full_name, employee_confirmed, own),
        )
        if not done and not is_me
    ]
    if not waiting:
        return None
    who = _names(waiting)
    return _step("waiting", f"Waiting for {who} to confirm revision {plan.revision}", f"Waiting for {who}")


def waiting_for_you(user, *, reports: bool = True) -> list[dict]:
    """The "Waiting for you" items of a start page: revisions the other side confirmed and this user has not.

    The user's own open plan when their manager confirmed its current revision, and (reports=True) the open
    plans of their active direct reports who confirmed theirs: the user is the one who confirms next. One query.
    Each item is {"who", "on", "plan", "revision", "own", "url"}, oldest first.
    """
    me = person_for(user)
    if me is None:
        return []
    mine = Q(plan__person=me, manager_confirmed_at__isnull=False, employee_confirmed_at__isnull=True)
    theirs = Q(
        plan__person__manager=me,
        plan__person__is_active=True,
        employee_confirmed_at__isnull=False,
        manager_confirmed_at__isnull=True,
    )
    revisions = (
        PlanRevision.objects.filter(plan__status__in=OPEN_STATUSES, number=F("plan__revision"))
        .filter(mine | theirs if reports else mine)
        .select_related("plan__person__manager", "manager_confirmed_by__person")
        .order_by("employee_confirmed_at", "manager_confirmed_at", "pk")
    )
    items = []
    for revision in revisions:
        plan = revision.plan
        own = plan.person_id == me.pk
        if own:
            confirmer = revision.manager_confirmed_by
            who = getattr(confirmer, "person", None) or plan.person.manager
            items.append(
                {
                    "who": who.full_name if who else "Your manager",
                    "on": revision.manager_confirmed_at,
                    "plan": plan,
                    "revision": revision.number,
                    "own": True,
                    "url": reverse("devplans:my_plan") + "#agreement",
                }
            )
        else:
            items.append(
                {
                    "who": plan.person.full_name,
                    "on": revision.employee_confirmed_at,
                    "plan": plan,
                    "revision": revision.number,
                    "own": False,
                    "url": plan.get_absolute_url() + "#agreement",
                }
            )
    return items
