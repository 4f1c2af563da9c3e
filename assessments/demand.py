"""Demand for learning across the organisation, for L&D: skill gaps in aggregate, never by name.

What counts: for every active person, only their latest submitted manager's assessment
(self-assessments and older assessments are ignored, as on the gaps panel). Each of its
skills with a gap is one person who needs that skill from their level to the target.

A group is (skill key, level, target). Skills are matched by key, so a person assessed on
an older rubric version and one assessed on the current one land in the same group, and a
course mapped to a skill of an older version still covers the same key. A group is covered
when an active course has that skill with level_from <= level < level_to.

Four queries whatever the size of the org, all aggregates: the gaps grouped by skill, levels
and department; the people assessed; the skills' names and order; the active courses' ranges.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from catalog.models import CourseSkill
from people.models import Department

from .models import Assessment, Skill, SkillResult

NO_DEPARTMENT = "No department"


_SUBMITTED_BY_MANAGER = {"kind": Assessment.Kind.MANAGER, "status": Assessment.Status.SUBMITTED}


def _is_latest(prefix: str = "") -> Exists:
    """True for a submitted manager's assessment that no newer one of the same person follows.

    NOT EXISTS (a newer one) rather than "id = (the newest id of this person)": PostgreSQL plans it
    as one hash anti-join over the assessments, where the correlated lookup ran once per row and
    hid the row count from the planner (5x slower on 20,000 people, see bench/demand.py).
    Two submitted at the same instant: the higher id is the newer.
    prefix: the path from the queried model to the assessment ("" or "assessment__").
    """
    newer = Assessment.objects.filter(person_id=OuterRef(f"{prefix}person_id"), **_SUBMITTED_BY_MANAGER).filter(
        Q(submitted_at__gt=OuterRef(f"{prefix}submitted_at"))
        | Q(submitted_at=OuterRef(f"{prefix}submitted_at"), pk__gt=OuterRef(f"{prefix}pk"))
    )
    return ~Exists(newer)


def _latest_filter(prefix: str = "", *, department_id: int | None = None) -> Q:
    """Each active person's newest submitted manager's assessment, as a filter on `prefix` (no loop)."""
    q = Q(_is_latest(prefix), **{f"{prefix}{k}": v for k, v in _SUBMITTED_BY_MANAGER.items()})
    q &= Q(**{f"{prefix}person__is_active": True})
    if department_id is not None:
        q &= Q(**{f"{prefix}person__department_id": department_id})
    return q


def latest_manager_assessments(*, department_id: int | None = None) -> QuerySet[Assessment]:
    """Each active person's newest submitted manager's assessment (optionally in one department)."""
    return Assessment.objects.filter(_latest_filter(department_id=department_id)).order_by()


def demand_skills() -> list[dict]:
    """Every skill key ever in a rubric, named as in its newest version, in rubric order (one query).

    Demand can come from an assessment on an older rubric, so a skill dropped since still has a name.
    """
    newest: dict[str, dict] = {}
    rows = Skill.objects.order_by("rubric_version__number").values("key", "name", "order", "rubric_version__number")
    for row in rows:
        newest[row["key"]] = {"key": row["key"], "name": row["name"], "order": row["order"]}
    return sorted(newest.values(), key=lambda s: (s["order"], s["name"]))


def _active_ranges(skill_key: str | None) -> dict[str, list[tuple[int, int]]]:
    """(level_from, level_to) of every active course, per skill key (one query)."""
    links = CourseSkill.objects.filter(course__is_active=True)
    if skill_key:
        links = links.filter(skill__key=skill_key)
    ranges: dict[str, list[tuple[int, int]]] = {}
    for key, level_from, level_to in links.values_list("skill__key", "level_from", "level_to").distinct():
        ranges.setdefault(key, []).append((level_from, level_to))
    return ranges


def is_covered(ranges: list[tuple[int, int]], level: int) -> bool:
    return any(level_from <= level < level_to for level_from, level_to in ranges)


def demand(
    *, department_id: int | None = None, skill_key: str | None = None, known_skills: list[dict] | None = None
) -> dict:
    """Skill gaps of the organisation grouped by skill and level, biggest first; no names.

    Returns:
      groups: one dict per (skill, level, target): skill_key, skill_name, level, target, people,
        departments [(name, people)] largest first, average_priority, is_covered.
        Sorted by people (largest first), then rubric order, level and target.
      uncovered: the groups no active course covers, in the same order.
      skills: per skill with any gap: key, name, people, covered, uncovered (people counts).
      chart: the skills' covered/uncovered counts for static/js/charts.js.
      people_assessed: active people with a submitted manager's assessment (after the filters);
      people_with_gaps: how many of them have at least one gap (in the chosen skill, if any).
    known_skills: demand_skills(), if the caller already has it (saves a query).
    """
    is_gap = Q(gap__gt=0, level__isnull=False)
    if skill_key:
        is_gap &= Q(skill__key=skill_key)
    # Flat joins, not "assessment_id IN (latest assessments)": a third faster on PostgreSQL.
    gaps = SkillResult.objects.filter(is_gap, _latest_filter("assessment__", department_id=department_id))
    rows = (
        gaps.order_by()
        .values("skill__key", "level", "target", "assessment__person__department__name")
        .annotate(people=Count("pk"), priority_total=Sum("priority"))
    )
    with_gap = Exists(SkillResult.objects.filter(is_gap, assessment_id=OuterRef("pk")))
    counts = (
        latest_manager_assessments(department_id=department_id)
        .annotate(has_gap=with_gap)
        .aggregate(assessed=Count("pk"), with_gaps=Count("pk", filter=Q(has_gap=True)))
    )
    names = {s["key"]: s for s in (demand_skills() if known_skills is None else known_skills)}
    ranges = _active_ranges(skill_key)

    grouped: dict[tuple[str, int, int], dict] = {}
    for row in rows:
        key, level, target = row["skill__key"], row["level"], row["target"]
        group = grouped.get((key, level, target))
        if group is None:
            skill = names.get(key, {"name": key, "order": 0})
            group = grouped[(key, level, target)] = {
                "skill_key": key,
                "skill_name": skill["name"],
                "skill_order": skill["order"],
                "level": level,
                "target": target,
                "people": 0,
                "priority_total": 0,
                "departments": {},
                "is_covered": is_covered(ranges.get(key, []), level),
            }
        department = row["assessment__person__department__name"] or NO_DEPARTMENT
        group["people"] += row["people"]
        group["priority_total"] += row["priority_total"] or 0
        group["departments"][department] = group["departments"].get(department, 0) + row["people"]

    groups = sorted(grouped.values(), key=lambda g: (-g["people"], g["skill_order"], g["level"], g["target"] or 0))
    for group in groups:
        group["average_priority"] = round(group.pop("priority_total") / group["people"], 1)
        group["departments"] = sorted(group["departments"].items(), key=lambda item: (-item[1], item[0]))

    per_skill: dict[str, dict] = {}
    for group in groups:
        skill = per_skill.setdefault(
            group["skill_key"],
            {
                "key": group["skill_key"],
                "name": group["skill_name"],
                "order": group["skill_order"],
                "people": 0,
                "covered": 0,
                "uncovered": 0,
            },
        )
        skill["people"] += group["people"]
        skill["covered" if group["is_covered"] else "uncovered"] += group["people"]
    skill_totals = sorted(per_skill.values(), key=lambda s: (-s["people"], s["order"], s["name"]))

    return {
        "groups": groups,
        "uncovered": [g for g in groups if not g["is_covered"]],
        "skills": skill_totals,
        "chart": {
            "stacked": True,
            "labels": [s["name"] for s in skill_totals],
            "datasets": [
                {"label": "A course covers their level", "values": [s["covered"] for s in skill_totals]},
                {"label": "No active course", "values": [s["uncovered"] for s in skill_totals]},
            ],
        },
        "people_assessed": counts["assessed"],
        "people_with_gaps": counts["with_gaps"],
    }


def departments() -> list[tuple[int, str]]:
    """(id, name) of every department, for the filter (one query)."""
    return list(Department.objects.order_by("name").values_list("pk", "name"))
