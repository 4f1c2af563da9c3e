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

The closest fit stays near the top. For each gap, the course that takes the
person furthest towards the target (the most coverage; of several, the best
scored) is among the first CLOSEST_FIT_PLACE courses for that gap, however short
the courses that close less of it are: if they would push it lower, it moves up
to that place, past courses that close less of the gap. Only the person's
preferences keep it lower: a closest fit in a format they do not prefer never
passes a course in one they do.

Each recommendation says why it is offered (`reason`) and, below the first, why
it ranks under the one above it (`ranked_lower`): a smaller gap, closes less of
the gap, fewer improved or no measured results yet, longer, scheduled sessions,
not a format they prefer (or, on a tie, builds fewer of their gaps, costs more,
or is as good a match).
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

MIN_OUTCOMES = 3
DURATION_HALF_LIFE = 240  # minutes: a course this long scores half a very short one
SCHEDULED_FACTOR = 0.8
PREFERRED_FACTOR = 1.3
CLOSEST_FIT_PLACE = 3  # the closest fit for a gap is never below this place among the gap's courses


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
    # Why it ranks under the recommendation above it, in plain words ("longer (15 h)"); empty for the first.
    ranked_lower: tuple[str, ...] = ()


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


def reason(
    gap: Gap, course: CourseOption, skill: SkillRange, *, outcome=None, preferred=frozenset(), also=(), closest=False
):
    """Why a course is offered, in plain words:
    "Delegation, level 1 → 3 · 45 min video · self-paced · 8 of 10 people who took it improved"."""
    parts = [f"{gap.skill_name}, level {gap.level} → {gap.target}"]
    reaches = min(skill.level_to, gap.target)
    if reaches < gap.target:
        parts.append(f"reaches level {reaches}")
    if closest:
        parts.append("closes the whole gap" if reaches == gap.target else "closes the most of the gap")
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


class _Fit(NamedTuple):
    """One course for one of the person's gaps, with what its score is made of."""

    score: float
    gap: Gap
    skill: SkillRange
    coverage: float


class _Candidate(NamedTuple):
    sort_key: tuple
    course: CourseOption
    fits: list[_Fit]  # best first
    by_skill: dict[str, _Fit]  # the same, by the gap's skill key

    def fit_for(self, gap: Gap) -> _Fit | None:
        return self.by_skill.get(gap.skill_key)


def _sort_key(candidate: _Candidate) -> tuple:
    return candidate.sort_key


def ranked_lower(
    this: tuple[_Candidate, _Fit],
    above: tuple[_Candidate, _Fit],
    *,
    outcomes: Mapping[int, Outcome],
    preferred: frozenset,
) -> tuple[str, ...]:
    """Why `this` (a course and the gap it is shown for) ranks under `above`, the recommendation just before it,
    in plain words; when nothing tells them apart but the order of titles, it says they are as good."""
    (this, mine), (above, theirs) = this, above
    why = []
    if mine.gap.skill_key != theirs.gap.skill_key and mine.gap.priority < theirs.gap.priority:
        why.append(f"for a smaller gap than {theirs.gap.skill_name}")
    if mine.coverage < theirs.coverage:
        why.append("closes less of the gap")
    outcome, other = outcomes.get(this.course.course_id), outcomes.get(above.course.course_id)
    if effectiveness(outcome) < effectiveness(other):
        measured = outcome is not None and outcome.total >= MIN_OUTCOMES
        if not measured:
            why.append("no measured results yet")
        else:
            why.append(f"fewer people improved after it ({outcome.improved} of {outcome.total})")
    if this.course.duration_minutes > above.course.duration_minutes:
        why.append(f"longer ({duration_text(this.course.duration_minutes)})")
    if above.course.is_self_paced and not this.course.is_self_paced:
        why.append("scheduled sessions, not self-paced")
    if above.course.format in preferred and this.course.format not in preferred:
        why.append("not a format they prefer")
    if not why and len(this.fits) < len(above.fits):
        why.append("builds fewer of their gaps")
    if not why and this.course.cost > above.course.cost:
        why.append("costs more")
    if not why:
        why.append("as good a match as the one above")
    return tuple(why)


def _keep_closest_fits_near_the_top(
    ordered: list[_Candidate], gaps: list[Gap], preferred: frozenset
) -> tuple[list[_Candidate], dict[int, Gap]]:
    """The ranking with, for each gap, its closest fit moved up to CLOSEST_FIT_PLACE among the gap's courses if
    courses closing less of the gap are ahead of it; returns it and {course id: the gap it was moved up for}.

    Bigger gaps first; moving one course can push another gap's closest fit down, so after each move it looks
    at every gap again (a course, once moved, is not moved again, so this ends)."""
    moved: dict[int, Gap] = {}
    biggest_first = sorted(gaps, key=lambda g: (-g.priority, g.skill_name))
    for _ in range(len(gaps) + 1):
        places: dict[str, list[int]] = {}  # each gap's courses, as places in the ranking
        for i, candidate in enumerate(ordered):
            for key in candidate.by_skill:
                places.setdefault(key, []).append(i)
        for gap in biggest_first:
            mine = places.get(gap.skill_key, [])
            if len(mine) <= CLOSEST_FIT_PLACE:
                continue
            best = max(ordered[i].by_skill[gap.skill_key].coverage for i in mine)
            at = next(n for n, i in enumerate(mine) if ordered[i].by_skill[gap.skill_key].coverage == best)
            candidate = ordered[mine[at]]
            if at < CLOSEST_FIT_PLACE or candidate.course.course_id in moved:
                continue
            in_a_preferred_format = not preferred or candidate.course.format in preferred
            may_pass = [
                i
                for i in mine[CLOSEST_FIT_PLACE - 1 : at]
                if in_a_preferred_format or ordered[i].course.format not in preferred
            ]  # every course ahead of it closes less of the gap: it is the first that closes the most
            if not may_pass:
                continue  # the person's preferred formats keep it where it is
            ordered.insert(may_pass[0], ordered.pop(mine[at]))
            moved[candidate.course.course_id] = gap
            break  # the places changed: count them again
        else:
            break
    return ordered, moved


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
            if gap is not None and (share := coverage(gap, skill)) > 0:
                fits.append(_Fit(score(gap, course, skill, outcome=outcome, preferred=preferred), gap, skill, share))
        if not fits:
            continue
        if len(fits) > 1:
            fits.sort(key=lambda fit: (-fit.score, -fit.gap.priority, fit.gap.skill_name))
        covered.update(fit.gap.skill_key for fit in fits)
        tie_break = (course.duration_minutes, course.cost, course.title.lower(), course.course_id)
        fits_by_skill = {fit.gap.skill_key: fit for fit in fits}
        candidates.append(_Candidate((-fits[0].score, -len(fits), *tie_break), course, fits, fits_by_skill))
    ordered, moved = _keep_closest_fits_near_the_top(sorted(candidates, key=_sort_key), gaps, preferred)
    shown = ordered if limit is None else ordered[:limit]
    # Each course is shown for its best gap, or for the gap whose closest fit it is when it was moved up for it.
    shown_fits = [
        candidate.fit_for(moved[candidate.course.course_id])
        if candidate.course.course_id in moved
        else candidate.fits[0]
        for candidate in shown
    ]
    recommendations = []
    for place, (candidate, fit) in enumerate(zip(shown, shown_fits, strict=True)):  # reasons only for what is shown
        course = candidate.course
        also = tuple(other.gap.skill_name for other in candidate.fits if other.gap.skill_key != fit.gap.skill_key)
        why_lower = ()
        if place:
            above = (shown[place - 1], shown_fits[place - 1])
            why_lower = ranked_lower((candidate, fit), above, outcomes=outcomes, preferred=preferred)
        recommendations.append(
            Recommendation(
                course=course,
                gap=fit.gap,
                score=candidate.fits[0].score,
                reason=reason(
                    fit.gap,
                    course,
                    fit.skill,
                    outcome=outcomes.get(course.course_id),
                    preferred=preferred,
                    also=also,
                    closest=course.course_id in moved,
                ),
                also_builds=also,
                ranked_lower=why_lower,
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
