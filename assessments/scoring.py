"""From observed behaviours to a level, a gap and a priority. Pure functions, no database.

The formula
-----------
1. Each rated behaviour scores between 0 and 1 by how often it was seen
   (never 0, rarely 1, sometimes 2, often 3, always 4, divided by 4). A strength
   scores that; a warning sign scores the opposite (1 − it), because seeing a
   warning sign often means the skill is missing. "Not observed" behaviours are
   left out; they say nothing either way.
2. The skill's score is the mean of its observed behaviours' scores.
3. The level is 1 + the score × 3, rounded half up: 0 → 1 Not yet, 1/3 → 2
   Developing, 2/3 → 3 Proficient, 1 → 4 Role model. With nothing observed
   there is no level, and so no gap.
4. gap = target − level, never below 0.
5. priority = gap × impact × how often, with impact low 1, medium 2, high 3
   and how often a few times a year 1, monthly 2, weekly 3, most days 4.
   Unanswered triage counts as 1 (the lowest), so an unanswered gap still
   ranks by its size. The highest priority is 3 × 3 × 4 = 36.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

MAX_FREQUENCY = 4


def behaviour_score(frequency: int, *, is_warning: bool) -> Decimal:
    seen = Decimal(frequency) / MAX_FREQUENCY
    return 1 - seen if is_warning else seen


def skill_level(ratings: Iterable[tuple[int, bool]]) -> int | None:
    """The level (1-4) from (frequency, is_warning) pairs of observed behaviours; None if none."""
    scores = [behaviour_score(frequency, is_warning=warning) for frequency, warning in ratings]
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    return 1 + int((mean * 3).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def gap(*, target: int | None, level: int | None) -> int:
    if target is None or level is None:
        return 0
    return max(0, target - level)


def priority(*, gap_size: int, impact: int | None, mistake_frequency: int | None) -> int:
    return gap_size * (impact or 1) * (mistake_frequency or 1)
