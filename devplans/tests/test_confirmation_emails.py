"""The other side is told: a confirmation e-mails the other side through the outbox (once per revision and
recipient), puts a "Waiting for you" item on their start page, and the plan page says who was told and when
(devplans.services.confirmation_emails, devplans.agreement_selectors, the plan page, My plan, My team)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone

from devplans.models import Plan, PlanRevision
from devplans.services import plans
from devplans.services.confirmation_emails import tell_the_other_side
from devplans.tests.helpers import assess, in_weeks, plan_with_goal, skill
from people.models import OutboundEmail, Person
from people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SITE = "https://skillbridge.example.com"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE + "/"


def emails(kind=None):
    rows = OutboundEmail.objects.order_by("pk")
    return list(rows.filter(kind=kind) if kind else rows)


def revision_of(plan, number=1):
    return PlanRevision.objects.select_related("manager_told", "employee_told").get(plan=plan, number=number)


def body_of(response):
    return response.content.decode()


def shown(moment):
    return formats.date_format(timezone.localtime(moment), "j M H:i")


# --- the e-mail ------------------------------------------------------------------------------------------------


def test_the_manager_confirming_records_one_email_to_the_person_with_a_link_to_my_plan(org):
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    (email,) = emails()
    assert (email.kind, email.to, email.recipient) == ("plan_confirmed", org.employee.email, org.employee)
    assert email.key == f"plan-confirmed:{plan.pk}:1:{Plan.objects.get(pk=plan.pk).version}:{org.employee.pk}"
    assert email.subject == "Kate Morgan confirmed your development plan: read it and confirm"
    assert f"{SITE}{reverse('devplans:my_plan')}#agreement" in email.body
    assert "Hello Brian Walsh," in email.body and "revision 1" in email.body
    assert revision_of(plan).employee_told == email


def test_the_person_confirming_records_one_email_to_their_manager_with_a_link_to_the_plan(org):
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    (email,) = emails()
    assert (email.kind, email.to, email.recipient) == ("plan_confirmed", org.manager.email, org.manager)
    assert email.subject == "Brian Walsh confirmed Brian Walsh's development plan: read it and confirm"
    assert f"{SITE}{plan.get_absolute_url()}#agreement" in email.body
    assert revision_of(plan).manager_told == email


def test_the_second_confirmation_tells_the_first_side_the_plan_is_agreed(org):
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    confirmed, agreed = emails()
    assert (confirmed.kind, confirmed.to) == ("plan_confirmed", org.employee.email)
    assert (agreed.kind, agreed.to) == ("plan_agreed", org.manager.email)
    assert agreed.subject == "Brian Walsh's development plan is agreed"
    assert "The next check-in is on" in agreed.body
    assert f"{SITE}{plan.get_absolute_url()}#agreement" in agreed.body
    told = revision_of(plan)
    assert (told.employee_told, told.manager_told) == (confirmed, agreed)


def test_confirming_twice_never_sends_twice(org, django_capture_on_commit_callbacks):
    plan, _ = plan_with_goal(org)
    with django_capture_on_commit_callbacks(execute=True):
        plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    with pytest.raises(ValidationError, match="already confirmed"), django_capture_on_commit_callbacks(execute=True):
        plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    # A retried task or request telling again at the same point finds the key and records nothing.
    locked = Plan.objects.select_related("person__user", "person__manager__user").get(pk=plan.pk)
    with django_capture_on_commit_callbacks(execute=True):
        again = tell_the_other_side(plan=locked, revision=revision_of(plan), by_person=False)
    assert len(emails()) == 1 and again == emails()[0]
    assert [m.to for m in mail.outbox] == [[org.employee.email]]


def test_a_confirmation_cleared_by_a_change_and_given_again_tells_again(org):
    plan, goal = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    plans.change_goal(
        goal=goal, by=org.manager, expected_version=goal.version, target_level=4, outcome="More", due_on=goal.due_on
    )
    assert revision_of(plan).employee_told is None  # what Brian was told of no longer stands
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    first, second = emails()
    assert first.key != second.key and second.to == org.employee.email
    assert revision_of(plan).employee_told == second


def test_a_new_revision_tells_again(org):
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    plans.add_goal(
        plan=plan,
        by=org.manager,
        skill=skill("coaching"),
        target_level=3,
        outcome="Asks before telling",
        due_on=in_weeks(8),
    )
    plans.confirm_plan(plan=plan, by=org.manager, revision=2)
    latest = emails()[-1]
    assert (latest.kind, latest.to) == ("plan_confirmed", org.employee.email)
    assert latest.key.startswith(f"plan-confirmed:{plan.pk}:2:")
    assert latest.subject == "Kate Morgan confirmed your development plan (revision 2): read it and confirm"


def test_someone_without_an_email_address_or_who_left_is_not_emailed(org):
    plan, _ = plan_with_goal(org)
    org.employee.email = ""
    org.employee.save(update_fields=["email"])
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    assert emails() == []
    assert revision_of(plan).manager_confirmed_at is not None


def test_the_email_is_sent_once_the_confirmation_commits(org, django_capture_on_commit_callbacks):
    plan, _ = plan_with_goal(org)
    with django_capture_on_commit_callbacks(execute=True):
        plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    (message,) = mail.outbox
    assert message.to == [org.employee.email]
    assert message.subject == "Kate Morgan confirmed your development plan: read it and confirm"
    assert emails()[0].status == OutboundEmail.Status.SENT


# --- the pages ---------------------------------------------------------------------------------------------------


def _confirm_from_the_page(client, user, plan):
    plan.refresh_from_db()
    client.force_login(user)
    return client.post(
        reverse("devplans:confirm_plan", args=[plan.pk]), {"revision": plan.revision, "version": plan.version}
    )


def test_the_plan_page_says_who_was_told_and_when(client, org, django_capture_on_commit_callbacks):
    plan, _ = plan_with_goal(org)
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm_from_the_page(client, org.manager, plan)
    assert response.status_code == 302
    email = emails()[0]
    body = body_of(client.get(plan.get_absolute_url()))
    assert f"Brian Walsh was told on {shown(email.sent_at)} (e-mail)" in body
    assert "Brian Walsh: not yet" in body


def test_the_plan_page_says_when_the_email_is_still_on_its_way_or_failed(client, org):
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    client.force_login(org.manager)
    assert "Brian Walsh is being told: the e-mail of" in body_of(client.get(plan.get_absolute_url()))
    OutboundEmail.objects.update(status=OutboundEmail.Status.FAILED)
    assert "The e-mail to Brian Walsh could not be sent: tell them yourself" in body_of(
        client.get(plan.get_absolute_url())
    )


def test_brian_sees_the_waiting_item_on_my_plan_until_he_confirms(client, org):
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.manager, revision=1)
    client.force_login(org.employee)
    body = body_of(client.get(reverse("devplans:my_plan")))
    today = formats.date_format(timezone.localdate(), "j M")
    assert "Waiting for you" in body
    assert f'Kate Morgan confirmed your plan on {today} — <a href="/my-plan/#agreement">read it and confirm</a>' in body
    _confirm_from_the_page(client, org.employee, plan)
    assert "Waiting for you" not in body_of(client.get(reverse("devplans:my_plan")))


def test_nothing_waits_for_brian_before_kate_confirms(client, org):
    plan_with_goal(org)
    client.force_login(org.employee)
    assert "Waiting for you" not in body_of(client.get(reverse("devplans:my_plan")))


def test_kate_sees_the_waiting_item_on_my_team_when_brian_confirmed_first(client, org):
    assess(org.employee_person, org.manager, delegation=(1, 3, 9))
    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    client.force_login(org.manager)
    body = body_of(client.get(reverse("devplans:team")))
    today = formats.date_format(timezone.localdate(), "j M")
    assert f'Brian Walsh confirmed their plan on {today} — <a href="{plan.get_absolute_url()}#agreement">' in body
    assert f'href="{plan.get_absolute_url()}#agreement">Confirm plan<span' in body
    _confirm_from_the_page(client, org.manager, plan)
    body = body_of(client.get(reverse("devplans:team")))
    assert "Waiting for you" not in body


def test_my_team_also_shows_the_managers_own_plan_waiting_for_them(client, org):
    dana = PersonFactory(full_name="Dana Director")
    Person.objects.filter(pk=org.manager_person.pk).update(manager=dana)
    own = plans.create_plan(person=org.manager_person, by=dana.user)
    plans.add_goal(
        plan=own, by=dana.user, skill=skill("coaching"), target_level=3, outcome="Coaches", due_on=in_weeks(8)
    )
    plans.confirm_plan(plan=own, by=dana.user, revision=1)
    client.force_login(org.manager)
    body = body_of(client.get(reverse("devplans:team")))
    today = formats.date_format(timezone.localdate(), "j M")
    assert f'Dana Director confirmed your plan on {today} — <a href="/my-plan/#agreement">' in body


def test_the_waiting_items_are_one_query(org, django_assert_num_queries):
    from devplans.agreement_selectors import waiting_for_you

    plan, _ = plan_with_goal(org)
    plans.confirm_plan(plan=plan, by=org.employee, revision=1)
    waiting_for_you(org.manager)  # the user's roles are read once per request
    with django_assert_num_queries(1):
        items = waiting_for_you(org.manager)
    assert [(i["who"], i["own"], i["revision"]) for i in items] == [("Brian Walsh", False, 1)]
    assert waiting_for_you(org.other_manager) == [] and waiting_for_you(org.employee) == []
