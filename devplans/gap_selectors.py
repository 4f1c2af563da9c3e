"""Reads for drafting a plan from a person's gaps: every below-target gap, ranked, and the best course for each.

The manager sees every gap of the latest submitted manager's assessment (gap_overview's order: priority,
then gap size), with the top TICKED_TOP ticked and every gap whose triage impact was rated high ticked too,
so a gap the manager called important is never left out by a fixed cut-off. They change the ticks and the
chosen gaps become goals (devplans.services.from_gaps), each with its best course.

The best course: the courses come from assessments.selectors.recommendations_for, as on the person's gaps
page (active courses, less those the person already took or has planned, ranked with follow-up outcomes
and the person's preferred formats). Each chosen gap, biggest first, then gets the course that
assessments.recommending.rank_courses ranks first for that gap alone, leaving out the courses an earlier
gap took (a course that builds two gaps goes to the bigger one; the other gets its next best, if any).
"""

from dataclasses import dataclass, field

from assessments.models import Assessment, Impact, Skill, SkillResult
from assessments.recommending import Gap, Recommendation, rank_courses
from assessments.selectors import course_outcomes, gap_overview, recommendations_for, taken_courses
from people.models import Person

from . import selectors
from .models import Plan

TICKED_TOP = 3
NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


@dataclass
class GapChoice:
    """One gap on the page: its result, its rank, and whether it is ticked and why."""

    result: SkillResult
    rank: int
    skill: Skill | None  # the skill of the rubric in force with the same key; None if the rubric dropped it
    in_plan: bool  # the open plan already has a goal for this skill
    ticked: bool = False
    why_ticked: str = ""
    course: Recommendation | None = None

    @property
    def key(self) -> str:
        return self.result.skill.key

    @property
    def is_choosable(self) -> bool:
        return self.skill is not None and not self.in_plan

    @property
    def is_high_impact(self) -> bool:
        return self.result.impact == Impact.HIGH


@dataclass
class GapsToPlan:
    person: Person
    latest: Assessment | None
    open_plan: Plan | None
    choices: list[GapChoice] = field(default_factory=list)
    # What the course ranking needs again for another set of ticks (see best_courses).
    options: list = field(default_factory=list, repr=False)
    outcomes: dict = field(default_factory=dict, repr=False)

    @property
    def choosable(self) -> list[GapChoice]:
        return [c for c in self.choices if c.is_choosable]

    @property
    def ticked_keys(self) -> list[str]:
        return [c.key for c in self.choices if c.ticked]


def _gap(result: SkillResult) -> Gap:
    return Gap(
        skill_key=result.skill.key,
        skill_name=result.skill.name,
        level=result.level,
        target=result.target,
        priority=result.priority,
    )


def best_courses(gaps: GapsToPlan, keys: list[str]) -> dict[str, Recommendation]:
    """{skill key: the best course for that gap} for the chosen gaps, biggest gap first, each course once.

    No queries: it ranks the courses gaps_to_plan read, one gap at a time.
    """
    by_key = {c.key: c for c in gaps.choices}
    chosen = [by_key[key] for key in sorted(set(keys) & by_key.keys(), key=lambda k: by_key[k].rank)]
    preferred = gaps.person.preferred_formats or ()
    given: set[int] = set()
    best = {}
    for choice in chosen:
        ranking = rank_courses(
            [_gap(choice.result)],
            gaps.options,
            exclude=given,
            outcomes=gaps.outcomes,
            preferred_formats=preferred,
            limit=1,
        )
        if ranking.recommendations:
            recommendation = ranking.recommendations[0]
            best[choice.key] = recommendation
            given.add(recommendation.course.course_id)
    return best


def gaps_to_plan(person: Person) -> GapsToPlan:
    """The chooser's content for a person the caller may manage, in a fixed number of queries.

    Every gap of the latest manager's assessment, ranked; the top TICKED_TOP and the high-impact ones ticked
    (none already a goal of the open plan, none whose skill left the rubric); each with the course it gets
    when the ticked gaps become goals.
    """
    overview = gap_overview(person)
    open_plan = selectors.open_plan_for(person)
    result = GapsToPlan(person=person, latest=overview["latest"], open_plan=open_plan)
    results = [r for r in overview["gaps"] if r.level is not None and r.target is not None]
    if not results:
        return result
    in_force = {skill.key: skill for skill in selectors.current_skills()}
    planned = set(open_plan.goals.values_list("skill__key", flat=True)) if open_plan else set()
    for rank, gap_result in enumerate(results, start=1):
        choice = GapChoice(
            result=gap_result,
            rank=rank,
            skill=in_force.get(gap_result.skill.key),
            in_plan=gap_result.skill.key in planned,
        )
        if choice.is_choosable:
            reasons = []
            if rank <= TICKED_TOP:
                reasons.append(f"one of the {NUMBERS.get(TICKED_TOP, TICKED_TOP)} biggest gaps")
            if choice.is_high_impact:
                reasons.append("you rated its business impact high")
            choice.ticked = bool(reasons)
            choice.why_ticked = "ticked: " + "; ".join(reasons) if reasons else ""
        result.choices.append(choice)
    result.outcomes = course_outcomes()
    ranking = recommendations_for(
        person,
        gaps=[c.result for c in result.choosable],
        exclude_course_ids=taken_courses(person),
        outcomes=result.outcomes,
        limit=None,
    )
    result.options = [r.course for r in ranking.recommendations]
    # The courses as they fall with the ticks shown; an unticked gap shows what it would get on top of them.
    courses = best_courses(result, result.ticked_keys)
    for choice in result.choosable:
        if choice.ticked:
            choice.course = courses.get(choice.key)
        else:
            extra = best_courses(result, [*result.ticked_keys, choice.key])
            choice.course = extra.get(choice.key)
    return result
