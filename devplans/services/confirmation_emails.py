"""Telling the other side: when one side confirms a revision of a plan, the other gets an e-mail.

confirm_plan calls tell_the_other_side in its own transaction, after the confirmation is saved:

- the manager confirmed and the person has not: the person is asked to read the plan and confirm it
  ("plan_confirmed", with a link to My plan, their start page);
- the person confirmed and the manager has not: the manager is asked the same ("plan_confirmed", with a
  link to the plan page);
- the second confirmation agreed the revision: the side that confirmed first is told it is agreed
  ("plan_agreed").

The e-mail goes through the outbox (people.outbox.record_email): recorded in the same transaction as the
confirmation, sent once it commits, never twice. Its key names the plan, the revision, the plan's version at
that moment and the recipient: confirming again at the same point (a retried request, a race) finds the key
there and sends nothing; a confirmation that a later change to the goals cleared and that is given again
(the version moved) tells the other side again, because there is something new to read. The row is kept on
the revision (manager_told / employee_told), so the plan page says who was told and when.
"""

from django.urls import reverse
from django.utils import timezone

from devplans.models import CheckIn, Plan, PlanRevision
from people.models import OutboundEmail
from people.outbox import absolute_url, record_email, render_email


def _first_checkin(plan: Plan):
    return plan.checkins.filter(status=CheckIn.Status.SCHEDULED).order_by("scheduled_for").first()


def tell_the_other_side(*, plan: Plan, revision: PlanRevision, by_person: bool) -> OutboundEmail | None:
    """Record the e-mail to the side that did not just confirm; None when they cannot be e-mailed.

    plan is the locked plan (person and manager loaded); revision its current revision as just saved;
    by_person says whether the person (True) or their manager (False) confirmed.
    """
    person = plan.person
    manager = person.manager
    confirmer = person if by_person else manager
    recipient = manager if by_person else person
    user = recipient.user if recipient is not None else None
    if recipient is None or not recipient.is_active or user is None or not user.is_active or not user.email:
        return None
    agreed = revision.is_agreed
    kind = "plan_agreed" if agreed else "plan_confirmed"
    if agreed:
        key = f"plan-agreed:{plan.pk}:{revision.number}:{user.pk}"
    else:
        key = f"plan-confirmed:{plan.pk}:{revision.number}:{plan.version}:{user.pk}"
    # The person's start page is My plan; the manager reads the plan page.
    path = reverse("devplans:plan", args=[plan.pk]) if by_person else reverse("devplans:my_plan")
    subject, body = render_email(
        kind,
        {
            "recipient_name": recipient.full_name,
            "confirmer_name": confirmer.full_name if confirmer else "Someone",
            "person": person,
            "to_person": not by_person,
            "revision": revision.number,
            "first_revision": revision.number == 1,
            "confirmed_on": timezone.localtime(),
            "checkin": _first_checkin(plan) if agreed else None,
            "link": absolute_url(path if agreed and not by_person else f"{path}#agreement"),
        },
    )
    email = record_email(key=key, kind=kind, to=user.email, subject=subject, body=body, recipient=user)
    field = "manager_told" if by_person else "employee_told"
    setattr(revision, field, email)
    revision.save(update_fields=[field])
    return email
