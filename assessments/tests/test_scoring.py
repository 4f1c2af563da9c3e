import pytest

from assessments import scoring


def test_not_observed_everything_gives_no_level():
    assert scoring.skill_level([]) is None


@pytest.mark.parametrize(
    ("ratings", "level"),
    [
        ([(4, False), (4, False)], 4),  # strengths always seen
        ([(0, True), (0, True)], 4),  # warning signs never seen
        ([(4, True), (0, False)], 1),  # warning always, strength never
        ([(2, True), (2, False)], 3),  # all "sometimes": score 0.5 → 2.5 → rounds half up to 3
        ([(3, True), (1, False)], 2),  # score 0.25 → 1 + 0.75 → 2
    ],
)
def test_skill_level(ratings, level):
    assert scoring.skill_level(ratings) == level


def test_all_equal_ratings_on_strengths_and_warnings_cancel_out_to_the_middle():
    for frequency in range(5):
        assert scoring.skill_level([(frequency, False), (frequency, True)]) == 3


def test_a_warning_sign_seen_always_lowers_the_level():
    often = scoring.skill_level([(4, True), (2, False)])
    never = scoring.skill_level([(0, True), (2, False)])
    assert (often, never) == (2, 3)


@pytest.mark.parametrize(("target", "level", "gap"), [(3, 1, 2), (3, 3, 0), (2, 4, 0), (None, 2, 0), (3, None, 0)])
def test_gap_is_target_minus_level_never_negative(target, level, gap):
    assert scoring.gap(target=target, level=level) == gap


def test_priority_combines_gap_impact_and_frequency():
    assert scoring.priority(gap_size=2, impact=3, mistake_frequency=4) == 24
    assert scoring.priority(gap_size=2, impact=None, mistake_frequency=None) == 2
    assert scoring.priority(gap_size=0, impact=3, mistake_frequency=4) == 0
