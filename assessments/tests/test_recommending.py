"""The ranking function: pure, no database."""

from decimal import Decimal

import pytest

from assessments.recommending import (
    CourseOption,
    Gap,
    Outcome,
    SkillRange,
    coverage,
    duration_fit,
    rank_courses,
)

DELEGATION = Gap("delegation", "Delegation", level=1, target=3, priority=18)
FEEDBACK = Gap("feedback", "Feedback", level=2, target=3, priority=4)


def course(course_id, *skills, minutes=45, fmt="video", self_paced=True, active=True, cost="0", title=None):
    return CourseOption(
        course_id=course_id,
        title=title or f"Course {course_id}",
        format=fmt,
        format_label={"video": "Video", "workshop": "Workshop", "reading": "Reading", "coaching": "Coaching"}[fmt],
        duration_minutes=minutes,
        is_self_paced=self_paced,
        is_active=active,
        cost=Decimal(cost),
        currency="GBP",
        skills=tuple(SkillRange(*s) for s in skills),
    )


def ids(ranking):
    return [r.course.course_id for r in ranking.recommendations]


def test_coverage_is_the_share_of_the_gap_the_course_closes():
    assert coverage(DELEGATION, SkillRange("delegation", 1, 3)) == 1
    assert coverage(DELEGATION, SkillRange("delegation", 1, 2)) == 0.5
    assert coverage(DELEGATION, SkillRange("delegation", 1, 4)) == 1


def test_a_course_that_starts_above_the_persons_level_does_not_fit():
    assert coverage(DELEGATION, SkillRange("delegation", 2, 4)) == 0
    assert ids(rank_courses([DELEGATION], [course(1, ("delegation", 2, 4))])) == []


def test_a_course_that_ends_at_the_persons_level_does_not_fit():
    assert coverage(FEEDBACK, SkillRange("feedback", 1, 2)) == 0


def test_the_bigger_priority_gap_comes_first():
    ranking = rank_courses([FEEDBACK, DELEGATION], [course(1, ("feedback", 2, 3)), course(2, ("delegation", 1, 3))])
    assert ids(ranking) == [2, 1]


def test_a_course_that_closes_the_whole_gap_beats_one_that_closes_half():
    ranking = rank_courses([DELEGATION], [course(1, ("delegation", 1, 2)), course(2, ("delegation", 1, 3))])
    assert ids(ranking) == [2, 1]


def test_shorter_and_self_paced_courses_come_first_for_busy_teams():
    ranking = rank_courses(
        [DELEGATION],
        [
            course(1, ("delegation", 1, 3), minutes=480),
            course(2, ("delegation", 1, 3), minutes=45, self_paced=False),
            course(3, ("delegation", 1, 3), minutes=45),
        ],
    )
    assert ids(ranking) == [3, 2, 1]
    assert duration_fit(15) > duration_fit(60) > duration_fit(480)


def test_a_preferred_format_moves_a_course_up_and_says_so():
    courses = [course(1, ("delegation", 1, 3), minutes=30), course(2, ("delegation", 1, 3), minutes=40, fmt="reading")]
    assert ids(rank_courses([DELEGATION], courses)) == [1, 2]
    ranking = rank_courses([DELEGATION], courses, preferred_formats=["reading"])
    assert ids(ranking) == [2, 1]
    assert "a format they prefer" in ranking.recommendations[0].reason


def test_measured_effectiveness_lifts_a_course_that_worked():
    courses = [course(1, ("delegation", 1, 3)), course(2, ("delegation", 1, 3))]
    ranking = rank_courses([DELEGATION], courses, outcomes={2: Outcome(improved=8, total=10), 1: Outcome(2, 10)})
    assert ids(ranking) == [2, 1]


def test_effectiveness_needs_a_few_results_before_it_counts():
    courses = [course(1, ("delegation", 1, 3)), course(2, ("delegation", 1, 3))]
    ranking = rank_courses([DELEGATION], courses, outcomes={1: Outcome(improved=0, total=2)})
    assert ranking.recommendations[0].score == ranking.recommendations[1].score


def test_ties_are_broken_by_title_then_id_whatever_the_input_order():
    courses = [
        course(3, ("delegation", 1, 3), title="Beta"),
        course(1, ("delegation", 1, 3), title="alpha"),
        course(2, ("delegation", 1, 3), title="Beta"),
    ]
    assert ids(rank_courses([DELEGATION], courses)) == [1, 2, 3]
    assert ids(rank_courses([DELEGATION], list(reversed(courses)))) == [1, 2, 3]


def test_on_a_tie_the_cheaper_course_wins():
    courses = [course(1, ("delegation", 1, 3), cost="200"), course(2, ("delegation", 1, 3), cost="0")]
    assert ids(rank_courses([DELEGATION], courses)) == [2, 1]


def test_a_course_covering_two_gaps_wins_a_tie_and_names_the_other_skill():
    courses = [course(1, ("delegation", 1, 3)), course(2, ("delegation", 1, 3), ("feedback", 2, 3))]
    ranking = rank_courses([DELEGATION, FEEDBACK], courses)
    assert ids(ranking) == [2, 1]
    assert ranking.recommendations[0].also_builds == ("Feedback",)
    assert ranking.recommendations[0].reason.endswith("also builds Feedback")


def test_courses_already_taken_or_planned_are_left_out():
    courses = [course(1, ("delegation", 1, 3)), course(2, ("delegation", 1, 3))]
    assert ids(rank_courses([DELEGATION], courses, exclude={1})) == [2]


def test_retired_courses_are_never_recommended():
    assert ids(rank_courses([DELEGATION], [course(1, ("delegation", 1, 3), active=False)])) == []


def test_a_skill_with_no_course_is_reported_as_uncovered():
    ranking = rank_courses([DELEGATION, FEEDBACK], [course(1, ("feedback", 2, 3))])
    assert ids(ranking) == [1]
    assert ranking.uncovered == [DELEGATION]


def test_a_skill_whose_only_course_was_taken_is_planned_not_uncovered():
    ranking = rank_courses([DELEGATION], [course(1, ("delegation", 1, 3))], exclude=[1])
    assert ranking.recommendations == []
    assert ranking.uncovered == [] and ranking.planned == (DELEGATION,)


def test_no_gaps_means_no_recommendations():
    ranking = rank_courses([], [course(1, ("delegation", 1, 3))])
    assert ranking.recommendations == [] and ranking.uncovered == []


def test_the_limit_keeps_the_best():
    courses = [course(i, ("delegation", 1, 3), minutes=10 * i) for i in range(1, 9)]
    assert ids(rank_courses([DELEGATION], courses, limit=2)) == [1, 2]
    assert len(rank_courses([DELEGATION], courses, limit=None).recommendations) == 8


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (Outcome(8, 10), "Delegation, level 1 → 3 · 45 min video · self-paced · 8 of 10 people who took it improved"),
        (Outcome(1, 1), "Delegation, level 1 → 3 · 45 min video · self-paced · 1 of 1 person who took it improved"),
        (None, "Delegation, level 1 → 3 · 45 min video · self-paced"),
    ],
)
def test_every_recommendation_says_why(outcome, expected):
    outcomes = {1: outcome} if outcome else {}
    ranking = rank_courses([DELEGATION], [course(1, ("delegation", 1, 3))], outcomes=outcomes)
    assert ranking.recommendations[0].reason == expected


def test_the_reason_says_when_a_course_closes_only_part_of_the_gap():
    ranking = rank_courses([DELEGATION], [course(1, ("delegation", 1, 2), minutes=90, self_paced=False)])
    assert ranking.recommendations[0].reason == (
        "Delegation, level 1 → 3 · reaches level 2 · 1 h 30 min video · scheduled sessions"
    )


def why_lower(ranking):
    return [r.ranked_lower for r in ranking.recommendations]


def test_the_closest_fit_stays_among_the_gaps_first_three_however_short_the_others_are():
    """Three short courses that take Brian only to level 2 would push the one that closes his gap to fourth."""
    quick = [course(i, ("delegation", 1, 2), minutes=5 * i) for i in (1, 2, 3)]
    whole = course(4, ("delegation", 1, 3), minutes=900, fmt="workshop", self_paced=False, title="Two days")
    ranking = rank_courses([DELEGATION], [*quick, whole], limit=None)
    assert ids(ranking) == [1, 2, 4, 3]
    moved = ranking.recommendations[2]
    assert moved.reason == "Delegation, level 1 → 3 · closes the whole gap · 15 h workshop · scheduled sessions"
    assert moved.ranked_lower == ("longer (15 h)", "scheduled sessions, not self-paced")
    assert ranking.recommendations[3].ranked_lower == ("closes less of the gap",)


def test_the_closest_fit_is_kept_near_the_top_of_each_gap_not_only_the_biggest():
    quick = [course(i, ("feedback", 2, 3), minutes=5 * i) for i in (1, 2, 3)]
    whole = course(9, ("feedback", 2, 4), minutes=480, fmt="workshop")
    feedback = Gap("feedback", "Feedback", level=2, target=4, priority=4)
    delegation = [course(10 + i, ("delegation", 1, 3), minutes=10 * i) for i in (1, 2, 3, 4)]
    ranking = rank_courses([DELEGATION, feedback], [*quick, whole, *delegation], limit=None)
    for_feedback = [r.course.course_id for r in ranking.recommendations if r.gap.skill_key == "feedback"]
    assert for_feedback.index(9) == 2


def test_a_closest_fit_already_in_the_first_three_stays_where_it_is():
    courses = [
        course(1, ("delegation", 1, 2), minutes=5),
        course(2, ("delegation", 1, 3), minutes=900, self_paced=False),
        course(3, ("delegation", 1, 2), minutes=10),
    ]
    assert ids(rank_courses([DELEGATION], courses)) == [1, 3, 2]


def test_the_persons_preferred_formats_may_keep_the_closest_fit_lower():
    quick = [course(i, ("delegation", 1, 2), minutes=5 * i) for i in (1, 2, 3)]
    whole = course(4, ("delegation", 1, 3), minutes=900, fmt="workshop", self_paced=False)
    ranking = rank_courses([DELEGATION], [*quick, whole], preferred_formats=["video"], limit=None)
    assert ids(ranking) == [1, 2, 3, 4]
    assert "not a format they prefer" in ranking.recommendations[3].ranked_lower
    assert "closes the whole gap" not in ranking.recommendations[3].reason


def test_a_closest_fit_in_a_format_they_do_not_prefer_passes_only_courses_they_do_not_prefer_either():
    courses = [
        course(1, ("delegation", 1, 2), minutes=5, fmt="reading"),
        course(2, ("delegation", 1, 2), minutes=10, fmt="reading"),
        course(3, ("delegation", 1, 2), minutes=15, fmt="coaching"),
        course(4, ("delegation", 1, 3), minutes=900, fmt="workshop"),
    ]
    ranking = rank_courses([DELEGATION], courses, preferred_formats=["reading"], limit=None)
    assert ids(ranking) == [1, 2, 4, 3]


def test_the_first_course_needs_no_excuse_and_each_lower_one_says_why_it_ranks_lower():
    courses = [course(1, ("delegation", 1, 3), minutes=30), course(2, ("delegation", 1, 3), minutes=480)]
    ranking = rank_courses([DELEGATION], courses)
    assert why_lower(ranking) == [(), ("longer (8 h)",)]


def test_a_course_for_a_smaller_gap_says_so():
    ranking = rank_courses([FEEDBACK, DELEGATION], [course(1, ("feedback", 2, 3)), course(2, ("delegation", 1, 3))])
    assert why_lower(ranking) == [(), ("for a smaller gap than Delegation",)]


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ({1: Outcome(8, 10)}, "no measured results yet"),
        ({1: Outcome(8, 10), 2: Outcome(1, 2)}, "no measured results yet"),
        ({1: Outcome(8, 10), 2: Outcome(4, 10)}, "fewer people improved after it (4 of 10)"),
    ],
)
def test_a_course_with_less_to_show_for_it_says_so(outcomes, expected):
    courses = [course(1, ("delegation", 1, 3)), course(2, ("delegation", 1, 3))]
    ranking = rank_courses([DELEGATION], courses, outcomes=outcomes)
    assert ids(ranking) == [1, 2]
    assert ranking.recommendations[1].ranked_lower == (expected,)


def test_a_course_not_in_a_preferred_format_says_so():
    courses = [course(1, ("delegation", 1, 3), minutes=30), course(2, ("delegation", 1, 3), minutes=30, fmt="reading")]
    ranking = rank_courses([DELEGATION], courses, preferred_formats=["reading"])
    assert ids(ranking) == [2, 1]
    assert ranking.recommendations[1].ranked_lower == ("not a format they prefer",)


def test_on_a_tie_the_lower_course_says_what_broke_it():
    courses = [course(1, ("delegation", 1, 3), cost="200"), course(2, ("delegation", 1, 3), cost="0")]
    assert why_lower(rank_courses([DELEGATION], courses)) == [(), ("costs more",)]
    courses = [course(1, ("delegation", 1, 3)), course(2, ("delegation", 1, 3), ("feedback", 2, 3))]
    assert why_lower(rank_courses([DELEGATION, FEEDBACK], courses)) == [(), ("builds fewer of their gaps",)]
    courses = [course(1, ("delegation", 1, 3), title="Beta"), course(2, ("delegation", 1, 3), title="Alpha")]
    assert why_lower(rank_courses([DELEGATION], courses)) == [(), ("as good a match as the one above",)]
