"""Reads for follow-up surveys: what a survey asks, which plans are due one, and the effectiveness figures.

Effectiveness counts people, not answers: for each goal, the manager's answer where both sides answered, else
whichever side did (preferred_answers). A course counts toward a goal's answer when the person completed it in
that plan for that goal. The figures are aggregates, with no individual ratings, so L&D may see them.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from assessments.recommending import Outcome
from skillbridge.data_cache import remember

from .models import FollowUpSurvey, Goal, LearningItem, Plan, SurveyAnswer

IMPROVED = (SurveyAnswer.Outcome.GAP_CLOSED, SurveyAnswer.Outcome.IMPROVED)


def survey_goals(survey: FollowUpSurvey) -> list[Goal]:
    """The goals a survey asks about, each with its skill and the skill's behaviours (two queries)."""
    return list(
        Goal.objects.filter(plan_id=survey.plan_id).select_related("skill").prefetch_related("skill__behaviours")
    )


def plans_due_for_follow_up(*, now=None, after_days: int | None = None) -> QuerySet[Plan]:
    """Plans agreed at least `after_days` ago (settings.FOLLOW_UP_AFTER_DAYS, 182 by default), still running or
    completed, with goals and no follow-up survey yet."""
    now = now or timezone.now()
    after_days = getattr(settings, "FOLLOW_UP_AFTER_DAYS", 182) if after_days is None else after_days
    return (
        Plan.objects.filter(
            agreed_at__lte=now - timedelta(days=after_days),
            status__in=(Plan.Status.AGREED, Plan.Status.ACTIVE, Plan.Status.COMPLETED),
        )
        .filter(Exists(Goal.objects.filter(plan=OuterRef("pk"))))
        .exclude(Exists(FollowUpSurvey.objects.filter(plan=OuterRef("pk"))))
        .order_by("agreed_at", "pk")
    )


def preferred_answers() -> QuerySet[SurveyAnswer]:
    """One answer per goal: the manager's where both sides answered, else whichever side did."""
    manager_answered = SurveyAnswer.objects.filter(goal=OuterRef("goal"), survey__role=FollowUpSurvey.Role.MANAGER)
    return SurveyAnswer.objects.filter(Q(survey__role=FollowUpSurvey.Role.MANAGER) | ~Exists(manager_answered))


def course_outcomes() -> dict[int, Outcome]:
    """{course id: Outcome(improved, total)} over the follow-up answers for the goals each course was taken for.

    improved counts "gap closed" and "improved"; one aggregate query over the whole organisation, kept
    in the cache until an answer, a goal or a course item changes (skillbridge/data_cache.py). Feed it
    to assessments.selectors.recommendations_for(..., outcomes=course_outcomes()).
    """
    return remember("course-outcomes", [], _course_outcomes)[0]


def _course_outcomes() -> dict[int, Outcome]:
    rows = (
        preferred_answers()
        .filter(goal__learning_items__status=LearningItem.Status.COMPLETED)
        .values("goal__learning_items__course")
        .annotate(
            improved=Count("pk", filter=Q(outcome__in=IMPROVED), distinct=True),
            total=Count("pk", distinct=True),
        )
        .order_by()
    )
    return {row["goal__learning_items__course"]: Outcome(row["improved"], row["total"]) for row in rows}


def _counts() -> dict:
    return {
        "gap_closed": Count("pk", filter=Q(outcome=SurveyAnswer.Outcome.GAP_CLOSED), distinct=True),
        "improved": Count("pk", filter=Q(outcome=SurveyAnswer.Outcome.IMPROVED), distinct=True),
        "no_change": Count("pk", filter=Q(outcome=SurveyAnswer.Outcome.NO_CHANGE), distinct=True),
        "total": Count("pk", distinct=True),
    }


def outcome_summary(*, answered_from=None, answered_to=None, department_ids=None) -> dict[str, list[dict]]:
    """Gap closed / improved / no change, counted by skill and by course (two aggregate queries).

    {"by_skill": [{"skill_key", "skill_name", "gap_closed", "improved", "no_change", "total"}, ...],
     "by_course": [{"course_id", "course_title", "gap_closed", "improved", "no_change", "total"}, ...]},
    each sorted by name. Optional filters: when the survey was answered (datetimes, from inclusive, to
    exclusive) and the person's department. Skills group by their stable key across rubric versions.
    """
    answers = preferred_answers()
    if answered_from is not None:
        answers = answers.filter(survey__answered_at__gte=answered_from)
    if answered_to is not None:
        answers = answers.filter(survey__answered_at__lt=answered_to)
    if department_ids is not None:
        answers = answers.filter(goal__plan__person__department_id__in=list(department_ids))
    by_skill = [
        {"skill_key": row.pop("goal__skill__key"), **row}
        for row in answers.values("goal__skill__key")
        .annotate(skill_name=Max("goal__skill__name"), **_counts())
        .order_by("skill_name", "goal__skill__key")
    ]
    by_course = [
        {"course_id": row.pop("goal__learning_items__course"), "course_title": row.pop("course_title"), **row}
        for row in answers.filter(goal__learning_items__status=LearningItem.Status.COMPLETED)
        .values("goal__learning_items__course")
        .annotate(course_title=Max("goal__learning_items__course__title"), **_counts())
        .order_by("course_title", "goal__learning_items__course")
    ]
    return {"by_skill": by_skill, "by_course": by_course}
