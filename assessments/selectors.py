"""Reads about the rubric and role profiles."""

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import Course, CourseSkill
from people.selectors import chain_below, person_for, visible_people

from .models import Assessment, Behaviour, PersonRole, RoleProfile, RubricVersion, Skill, SkillResult, TargetLevel
from .recommending import CourseOption, Gap, Ranking, SkillRange, rank_courses


def _with_skills(versions: QuerySet[RubricVersion]) -> QuerySet[RubricVersion]:
    return versions.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("order", "name").prefetch_related("behaviours"))
    )


def current_rubric() -> RubricVersion | None:
    """The newest published rubric, with its skills and behaviours (three queries)."""
    return _with_skills(RubricVersion.objects.filter(status=RubricVersion.Status.PUBLISHED)).order_by("-number").first()


def draft_rubric() -> RubricVersion | None:
    return _with_skills(RubricVersion.objects.filter(status=RubricVersion.Status.DRAFT)).first()


def rubric_versions() -> QuerySet[RubricVersion]:
    return RubricVersion.objects.select_related("published_by", "created_by").annotate(
        skill_count=Count("skills", distinct=True),
        behaviour_count=Count("skills__behaviours", distinct=True),
    )


def draft_skills() -> QuerySet[Skill]:
    """Skills that L&D may edit: those of the draft."""
    return Skill.objects.select_related("rubric_version").filter(rubric_version__status=RubricVersion.Status.DRAFT)


def skills_by_category(version: RubricVersion) -> list[tuple[str, list[Skill]]]:
    """The version's (prefetched) skills grouped by category, categories in first-seen order."""
    groups: dict[str, list[Skill]] = {}
    for skill in version.skills.all():
        groups.setdefault(skill.category, []).append(skill)
    return list(groups.items())


def warning_signs(skill: Skill) -> list[Behaviour]:
    return [b for b in skill.behaviours.all() if b.kind == Behaviour.Kind.WARNING]


def role_profiles() -> QuerySet[RoleProfile]:
    return RoleProfile.objects.select_related("next_profile").annotate(
        holders=Count("current_holders", distinct=True), aspirants_count=Count("aspirants", distinct=True)
    )


def career_starts() -> QuerySet[RoleProfile]:
    """Profiles no other profile leads to: where career paths begin."""
    return RoleProfile.objects.filter(previous_profiles__isnull=True).order_by("name")


def career_path(start: RoleProfile) -> list[RoleProfile]:
    """The chain of profiles from `start` along next_profile, with targets (two queries, loop-safe)."""
    profiles = {p.pk: p for p in RoleProfile.objects.prefetch_related(Prefetch("targets", TargetLevel.objects.all()))}
    path, seen = [], set()
    current = profiles.get(start.pk)
    while current and current.pk not in seen:
        path.append(current)
        seen.add(current.pk)
        current = profiles.get(current.next_profile_id)
    return path


def career_path_rows(path: list[RoleProfile], skills: list[Skill]) -> list[dict]:
    """One row per skill: the target at each step, and whether it rises from the step before."""
    targets = [{t.skill_key: t.level for t in profile.targets.all()} for profile in path]
    rows = []
    for skill in skills:
        steps, previous = [], None
        for by_key in targets:
            level = by_key.get(skill.key)
            steps.append({"level": level, "rises": previous is not None and level is not None and level > previous})
            previous = level if level is not None else previous
        rows.append({"skill": skill, "steps": steps, "changes": any(s["rises"] for s in steps)})
    return rows


def role_of(person) -> PersonRole | None:
    """The person's current and target role profiles, if set (one query)."""
    if person is None:
        return None
    return PersonRole.objects.select_related("current_profile", "target_profile").filter(person=person).first()


def assessable_people(user) -> QuerySet:
    """Active people this user may assess: everyone below them in the chain (never themself)."""
    me = person_for(user)
    if me is None:
        return visible_people(user).none()
    return visible_people(user).filter(pk__in=chain_below(me.pk), is_active=True)


def own_draft(user, pk: int) -> QuerySet[Assessment]:
    """A draft assessment, only for the one who is writing it."""
    return Assessment.objects.filter(pk=pk, assessor=user, status=Assessment.Status.DRAFT).select_related(
        "person", "rubric_version", "role_profile"
    )


def visible_assessments(user) -> QuerySet[Assessment]:
    """Submitted assessments of people this user may see, plus the user's own drafts.

    L&D sees aggregates elsewhere, never individual assessments (unless they manage the person).
    """
    submitted = Q(status=Assessment.Status.SUBMITTED, person__in=visible_people(user))
    return Assessment.objects.filter(submitted | Q(assessor=user, status=Assessment.Status.DRAFT)).select_related(
        "person", "assessor", "rubric_version", "role_profile"
    )


def skills_of(version: RubricVersion) -> QuerySet[Skill]:
    return version.skills.order_by("order", "name").prefetch_related("behaviours")


def results_of(assessment: Assessment) -> QuerySet:
    """A submitted assessment's skills, biggest priority first."""
    return assessment.skill_results.select_related("skill").order_by("-priority", "-gap", "skill__order")


HISTORY_LENGTH = 6


def submitted_assessments_of(person, *, kind: str) -> QuerySet[Assessment]:
    return Assessment.objects.filter(person=person, kind=kind, status=Assessment.Status.SUBMITTED).order_by(
        "-submitted_at"
    )


def gap_overview(person) -> dict:
    """Everything the gaps panel shows, in a fixed number of queries whatever the history length.

    latest: the newest manager's assessment; gaps: its skills below target, biggest priority first;
    history and trend: per skill, the level at each of the last few manager's assessments (oldest first);
    rows: per skill, the manager's result beside the latest self-assessment's level.
    """
    history = list(
        submitted_assessments_of(person, kind=Assessment.Kind.MANAGER).select_related(
            "assessor__person", "role_profile"
        )[:HISTORY_LENGTH]
    )
    latest_self = submitted_assessments_of(person, kind=Assessment.Kind.SELF).select_related("role_profile").first()
    wanted = [a.pk for a in history] + ([latest_self.pk] if latest_self else [])
    results = list(
        SkillResult.objects.filter(assessment_id__in=wanted).select_related("skill").order_by("skill__order")
    )
    by_assessment: dict[int, list[SkillResult]] = {}
    for result in results:
        by_assessment.setdefault(result.assessment_id, []).append(result)
    latest = history[0] if history else None
    latest_results = by_assessment.get(latest.pk, []) if latest else []
    gaps = sorted((r for r in latest_results if r.gap > 0), key=lambda r: (-r.priority, -r.gap, r.skill.order))

    oldest_first = list(reversed(history))
    levels = {a.pk: {r.skill.key: r.level for r in by_assessment.get(a.pk, [])} for a in oldest_first}
    skills = [(r.skill.key, r.skill.name) for r in latest_results]
    trend = []
    for key, name in skills:
        values = [levels[a.pk].get(key) for a in oldest_first]
        seen = [v for v in values if v is not None]
        trend.append({"name": name, "levels": values, "change": (seen[-1] - seen[0]) if len(seen) > 1 else None})
    self_levels = {r.skill.key: r.level for r in by_assessment.get(latest_self.pk, [])} if latest_self else {}
    rows = []
    for r in latest_results:
        mine = self_levels.get(r.skill.key)
        rows.append({"result": r, "self": mine, "differs": None not in (r.level, mine) and r.level != mine})
    return {
        "latest": latest,
        "latest_results": latest_results,
        "gaps": gaps,
        "history": oldest_first,
        "trend": trend,
        "latest_self": latest_self,
        "rows": rows,
        "chart": {
            "labels": [r.skill.name for r in latest_results],
            "max": 4,
            "datasets": [
                {"label": "Level", "values": [r.level for r in latest_results]},
                {"label": "Target", "values": [r.target for r in latest_results]},
            ],
        },
    }


# Which courses a person already took or has planned lives in devplans, which depends on this app;
# devplans registers its reader here when it loads (DevplansConfig.ready), so the gaps panel can leave
# those courses out without assessments importing devplans.
_taken_course_readers = []


def register_taken_courses(reader) -> None:
    """reader(person) -> course ids the person already took or has planned."""
    if reader not in _taken_course_readers:
        _taken_course_readers.append(reader)


def taken_courses(person) -> set[int]:
    return {course_id for reader in _taken_course_readers for course_id in reader(person)}


# Follow-up survey outcomes by course (devplans) feed the ranking's measured effectiveness the same way.
_outcome_readers = []


def register_course_outcomes(reader) -> None:
    """reader() -> {course id: recommending.Outcome}."""
    if reader not in _outcome_readers:
        _outcome_readers.append(reader)


def course_outcomes() -> dict:
    outcomes = {}
    for reader in _outcome_readers:
        outcomes.update(reader())
    return outcomes


def recommendations_for(
    person, *, gaps: list[SkillResult], exclude_course_ids=(), outcomes=None, limit: int | None = 5
) -> Ranking:
    """Courses for a person's gaps, ranked by assessments.recommending.rank_courses, in one query.

    gaps: the SkillResults with a gap (gap_overview's "gaps"); exclude_course_ids: courses the person
    already took or has planned; outcomes: follow-up results by course id (Outcome), once there are any.
    Only active courses whose skill (matched by key, so any rubric version) fits a gap are read; excluded
    ones too, so that a gap they cover is reported as planned rather than as having no course.
    """
    wanted = [
        Gap(skill_key=r.skill.key, skill_name=r.skill.name, level=r.level, target=r.target, priority=r.priority)
        for r in gaps
        if r.level is not None and r.target is not None and r.target > r.level
    ]
    if not wanted:
        return Ranking(recommendations=[], uncovered=[])
    links = CourseSkill.objects.filter(
        skill__key__in={g.skill_key for g in wanted},
        course__is_active=True,
        level_from__lte=max(g.level for g in wanted),
        level_to__gt=min(g.level for g in wanted),
    ).values_list(
        "course_id",
        "skill__key",
        "level_from",
        "level_to",
        "course__title",
        "course__format",
        "course__duration_minutes",
        "course__is_self_paced",
        "course__cost",
        "course__currency",
    )
    labels = dict(Course.Format.choices)
    skills: dict[int, list[SkillRange]] = {}
    details: dict[int, tuple] = {}
    for course_id, key, level_from, level_to, *rest in links:
        skills.setdefault(course_id, []).append(SkillRange(key, level_from, level_to))
        details[course_id] = rest
    options = [
        CourseOption(
            course_id=course_id,
            title=title,
            format=course_format,
            format_label=labels.get(course_format, course_format),
            duration_minutes=minutes,
            is_self_paced=self_paced,
            is_active=True,
            cost=cost,
            currency=currency,
            skills=tuple(skills[course_id]),
        )
        for course_id, (title, course_format, minutes, self_paced, cost, currency) in details.items()
    ]
    return rank_courses(
        wanted,
        options,
        exclude=exclude_course_ids,
        outcomes=outcomes,
        preferred_formats=person.preferred_formats or (),
        limit=limit,
    )
