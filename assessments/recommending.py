"""From a person's gaps to ranked courses, each with the reason shown. Pure functions, no database.

`rank_courses` is the one place that decides which courses a person is offered
and in which order. `assessments.selectors.recommendations_for` feeds it from the
database; everything else (the gaps panel, plans) shows what it returns.

The ranking
-----------
A course is *eligible* for a gap when it is active, not excluded (already
taken or planned), and one of its skills is the gap's skill with a level range
that starts at or below the person's level and ends above it
(level_from ≤ level < level_to). A course that starts above the person's level
is left out: it assumes what they cannot do yet.

For each eligible (course, gap) pair:

    score = priority × coverage × effectiveness × duration fit × pace × preference

- priority: the gap's priority (gap × impact × how often, 1 to 36; see
  scoring.py), so the most pressing gaps come first.
- coverage: the share of the gap the course closes,
  (min(level_to, target) − level) ÷ (target − level), between 0 and 1.
- effectiveness: once at least MIN_OUTCOMES people have a follow-up result for
  the course, 0.5 + the share who improved (0.5 to 1.5); before that 1, so a new
  course is neither helped nor hurt.
- duration fit: 1 ÷ (1 + minutes ÷ 240): short courses first for busy teams
  (15 min → 0.94, 1 h → 0.8, a day of 8 h → 0.33).
- pace: 1 for self-paced, 0.8 for a scheduled session.
- preference: 1.3 when the course's format is one the person prefers, else 1.

A course that addresses several of the person's gaps scores by its best one and
says which others it builds too. Ties go to the course that covers more gaps,
then the shorter, then the cheaper, then by title (and id), so the order never
depends on the database.
"""

import heapq
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

MIN_OUTCOMES = 3
DURATION_HALF_LIFE = 240  # minutes: a course this long scores half a very short one
SCHEDULED_FACTOR = 0.8
PREFERRED_FACTOR = 1.3


class Gap(NamedTuple):
    skill_key: str
    skill_name: str
    level: int
    target: int
    priority: int


class SkillRange(NamedTuple):
    skill_key: str
    level_from: int
    level_to: int


class CourseOption(NamedTuple):
    course_id: int
    title: str
    format: str
    format_label: str
    duration_minutes: int
    is_self_paced: bool
    is_active: bool
    cost: Decimal
    currency: str
    skills: tuple[SkillRange, ...]


class Outcome(NamedTuple):
    """Follow-up results for one course: how many people who took it improved, of how many."""

    improved: int
    total: int


class Recommendation(NamedTuple):
    course: CourseOption
    gap: Gap
    score: float
    reason: str
    also_builds: tuple[str, ...] = ()


class Ranking(NamedTuple):
    recommendations: list[Recommendation]
    uncovered: list[Gap]
    # Gaps whose only fitting courses the person already took or has planned: nothing new to offer.
    planned: tuple[Gap, ...] = ()


def coverage(gap: Gap, skill: SkillRange) -> float:
    """The share of the gap the course closes; 0 when the course does not fit the person's level."""
    if gap.target <= gap.level or not (skill.level_from <= gap.level < skill.level_to):
        return 0.0
    return (min(skill.level_to, gap.target) - gap.level) / (gap.target - gap.level)


def effectiveness(outcome: Outcome | None) -> float:
    if outcome is None or outcome.total < MIN_OUTCOMES:
        return 1.0
    return 0.5 + outcome.improved / outcome.total


def duration_fit(minutes: int) -> float:
    return 1 / (1 + max(minutes, 0) / DURATION_HALF_LIFE)


def score(gap: Gap, course: CourseOption, skill: SkillRange, *, outcome=None, preferred=frozenset()) -> float:
    return (
        gap.priority
        * coverage(gap, skill)
        * effectiveness(outcome)
        * duration_fit(course.duration_minutes)
        * (1.0 if course.is_self_paced else SCHEDULED_FACTOR)
        * (PREFERRED_FACTOR if course.format in preferred else 1.0)
    )


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def reason(gap: Gap, course: CourseOption, skill: SkillRange, *, outcome=None, preferred=frozenset(), also=()):
    """Why a course is offered, in plain words:
    "Delegation, level 1 → 3 · 45 min video · self-paced · 8 of 10 people who took it improved"."""
    parts = [f"{gap.skill_name}, level {gap.level} → {gap.target}"]
    reaches = min(skill.level_to, gap.target)
    if reaches < gap.target:
        parts.append(f"reaches level {reaches}")
    parts.append(f"{duration_text(course.duration_minutes)} {course.format_label.lower()}")
    parts.append("self-paced" if course.is_self_paced else "scheduled sessions")
    if outcome is not None and outcome.total:
        people = "person" if outcome.total == 1 else "people"
        parts.append(f"{outcome.improved} of {outcome.total} {people} who took it improved")
    if course.format in preferred:
        parts.append("a format they prefer")
    if also:
        parts.append("also builds " + ", ".join(also))
    return " · ".join(parts)


def rank_courses(
    gaps: Iterable[Gap],
    courses: Iterable[CourseOption],
    *,
    exclude: Iterable[int] = (),
    outcomes: Mapping[int, Outcome] | None = None,
    preferred_formats: Iterable[str] = (),
    limit: int | None = 5,
) -> Ranking:
    """The person's courses, best first, with the reason for each, and the gaps no course covers.

    gaps: the person's gaps (any order); courses: candidate courses with their skill ranges;
    exclude: ids of courses already taken or planned; outcomes: follow-up results by course id;
    preferred_formats: Course.Format values the person likes; limit: how many to return (None: all).
    """
    gaps = [g for g in gaps if g.target > g.level]
    by_skill = {g.skill_key: g for g in gaps}
    excluded = set(exclude)
    outcomes = outcomes or {}
    preferred = frozenset(preferred_formats)
    covered: set[str] = set()
    covered_by_excluded: set[str] = set()
    candidates = []
    for course in courses:
        if not course.is_active:
            continue
        if course.course_id in excluded:
            covered_by_excluded.update(
                s.skill_key for s in course.skills if s.skill_key in by_skill and coverage(by_skill[s.skill_key], s) > 0
            )
            continue
        outcome = outcomes.get(course.course_id)
        fits = []
        for skill in course.skills:
            gap = by_skill.get(skill.skill_key)
            if gap is not None and coverage(gap, skill) > 0:
                fits.append((score(gap, course, skill, outcome=outcome, preferred=preferred), gap, skill))
        if not fits:
            continue
        if len(fits) > 1:
            fits.sort(key=lambda fit: (-fit[0], -fit[1].priority, fit[1].skill_name))
        covered.update(fit[1].skill_key for fit in fits)
        tie_break = (course.duration_minutes, course.cost, course.title.lower(), course.course_id)
        sort_key = (-fits[0][0], -len(fits), *tie_break)
        candidates.append((sort_key, course, fits))
    best = sorted(candidates) if limit is None else heapq.nsmallest(limit, candidates)
    recommendations = []
    for _, course, fits in best:  # reasons only for what is shown
        best_score, gap, skill = fits[0]
        also = tuple(fit[1].skill_name for fit in fits[1:])
        outcome = outcomes.get(course.course_id)
        recommendations.append(
            Recommendation(
                course=course,
                gap=gap,
                score=best_score,
                reason=reason(gap, course, skill, outcome=outcome, preferred=preferred, also=also),
                also_builds=also,
            )
        )

    def biggest_first(g):
        return (-g.priority, -(g.target - g.level))

    left = [g for g in gaps if g.skill_key not in covered]
    return Ranking(
        recommendations=recommendations,
        uncovered=sorted((g for g in left if g.skill_key not in covered_by_excluded), key=biggest_first),
        planned=tuple(sorted((g for g in left if g.skill_key in covered_by_excluded), key=biggest_first)),
    )
