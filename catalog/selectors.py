from django.db.models import Max, Prefetch, QuerySet

from .course_search import search_courses
from .models import Course, CourseSkill

SORTS = {
    "title": ("title", "pk"),
    "duration": ("duration_minutes", "title", "pk"),
    "cost": ("cost", "title", "pk"),
    "relevance": ("-relevance", "title", "pk"),
}


def skill_model():
    """assessments.Skill, reached through the foreign key so catalog never imports assessments."""
    return CourseSkill._meta.get_field("skill").related_model


def current_skills() -> QuerySet:
    """The skills of the newest published rubric, in rubric order."""
    Skill = skill_model()
    newest = Skill.objects.filter(rubric_version__status="published").aggregate(n=Max("rubric_version__number"))["n"]
    return Skill.objects.filter(rubric_version__number=newest).order_by("order", "name")


def _with_skills(courses: QuerySet[Course]) -> QuerySet[Course]:
    """With the skills each course builds, and without its search vector (only the database reads it)."""
    return courses.defer("search_vector").prefetch_related(
        Prefetch("skills", queryset=CourseSkill.objects.select_related("skill").order_by("skill__order"))
    )


def courses_for(
    user,
    *,
    search: str = "",
    course_format: str = "",
    skill_key: str = "",
    max_minutes: int | None = None,
    max_cost=None,
    sort: str = "",
    include_retired: bool = False,
) -> QuerySet[Course]:
    """The catalog, filtered; everyone who can log in may read it. Retired courses only on request (L&D).

    search: words matched against the courses' text and the skills they build (catalog/course_search.py);
    sort: "title", "duration", "cost", or "" for the best match first when searching (by title otherwise).
    """
    courses = Course.objects.all() if include_retired else Course.objects.filter(is_active=True)
    if search.strip():
        courses = search_courses(courses, search)
        sort = sort or "relevance"
    if course_format:
        courses = courses.filter(format=course_format)
    if skill_key:
        courses = courses.filter(pk__in=CourseSkill.objects.filter(skill__key=skill_key).values("course_id"))
    if max_minutes:
        courses = courses.filter(duration_minutes__lte=max_minutes)
    if max_cost is not None:
        courses = courses.filter(cost__lte=max_cost)
    if sort == "relevance" and not search.strip():
        sort = "title"
    return _with_skills(courses).order_by(*SORTS.get(sort, SORTS["title"]))


def course(pk: int) -> QuerySet[Course]:
    return _with_skills(Course.objects.filter(pk=pk))
