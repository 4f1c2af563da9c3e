"""Reads about managers' requests to L&D, scoped to what the acting user may see.

- L&D and administrators see every request (the queue).
- A manager sees the requests they made.
- Nobody else sees any.
A manager may ask about the active people below them in the org chart; an
administrator about anyone active.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value

from people.models import LD_GROUP, Person
from people.selectors import chain_below, roles_for, visible_people

from .models import Course, CourseSkill, LearningRequest, RequestMessage
from .selectors import current_skills

OPEN = (LearningRequest.Status.NEW, LearningRequest.Status.IN_PROGRESS)
# The status filter of the list: value → (label, statuses it shows).
STATUS_FILTERS = {
    "open": ("Open", OPEN),
    LearningRequest.Status.NEW: ("New", (LearningRequest.Status.NEW,)),
    LearningRequest.Status.IN_PROGRESS: ("In progress", (LearningRequest.Status.IN_PROGRESS,)),
    LearningRequest.Status.ANSWERED: ("Answered", (LearningRequest.Status.ANSWERED,)),
    LearningRequest.Status.CLOSED: ("Closed", (LearningRequest.Status.CLOSED,)),
    "all": ("All", tuple(LearningRequest.Status.values)),
}


def handles_requests(user) -> bool:
    """L&D (or an administrator): works the queue of every request."""
    roles = roles_for(user)
    return roles.is_ld or roles.is_admin


def may_ask(user) -> bool:
    roles = roles_for(user)
    return roles.is_manager or roles.is_admin


def askable_people(user) -> QuerySet[Person]:
    """The active people this user may ask L&D about: those below them; anyone for an administrator."""
    roles = roles_for(user)
    people = visible_people(user).filter(is_active=True)
    if roles.person is not None:
        people = people.exclude(pk=roles.person.pk)
    if roles.is_admin:
        return people
    if not roles.is_manager:
        return Person.objects.none()
    # HR see everyone, but ask only about their own chain, like any manager.
    return people.filter(pk__in=chain_below(roles.person.pk))


def requests_for(user) -> QuerySet[LearningRequest]:
    """Every request this user may open: all for L&D and administrators, their own for a manager."""
    requests = LearningRequest.objects.select_related(
        "person__department", "requested_by__person", "handled_by__person", "skill"
    )
    if handles_requests(user):
        return requests
    if not getattr(user, "is_authenticated", False):
        return requests.none()
    return requests.filter(requested_by=user)


def filter_requests(
    requests: QuerySet[LearningRequest], *, status: str = "open", skill_key: str = "", search: str = ""
) -> QuerySet[LearningRequest]:
    """A list's requests by status (see STATUS_FILTERS), skill key and words in names or the note."""
    if skill_key:
        requests = requests.filter(skill__key=skill_key)
    if search:
        requests = requests.filter(
            Q(person__full_name__icontains=search)
            | Q(requested_by__person__full_name__icontains=search)
            | Q(note__icontains=search)
        )
    _, statuses = STATUS_FILTERS.get(status, STATUS_FILTERS["open"])
    return requests.filter(status__in=statuses).order_by("-updated_at", "-pk")


def status_counts(requests: QuerySet[LearningRequest]) -> dict[str, int]:
    """How many requests per status filter (one aggregate query)."""
    counts = requests.order_by().aggregate(
        **{value: Count("pk", filter=Q(status=value)) for value in LearningRequest.Status.values}
    )
    counts["open"] = sum(counts[s] for s in OPEN)
    counts["all"] = sum(counts[s] for s in LearningRequest.Status.values)
    return counts


def request_thread(user, pk: int) -> QuerySet[LearningRequest]:
    """One request the user may open, with its messages (and their authors) and suggested courses."""
    return (
        requests_for(user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=RequestMessage.objects.select_related("author__person").order_by("created_at", "pk"),
            ),
            Prefetch("suggested_courses", queryset=Course.objects.order_by("title")),
        )
    )


def ld_team() -> QuerySet:
    """The active L&D users who have an e-mail address: who a new request is sent to."""
    return (
        get_user_model()
        .objects.filter(groups__name=LD_GROUP, is_active=True)
        .exclude(email="")
        .select_related("person")
        .distinct()
        .order_by("pk")
    )


def skills_to_ask_about():
    """The skills a manager may pick (the published rubric)."""
    return current_skills()


def answer_courses(skill_key: str | None) -> QuerySet[Course]:
    """Active courses L&D may suggest, those that build the request's skill first (annotated for_skill)."""
    courses = Course.objects.filter(is_active=True)
    if not skill_key:
        return courses.annotate(for_skill=Value(False)).order_by("title", "pk")
    builds = CourseSkill.objects.filter(course=OuterRef("pk"), skill__key=skill_key)
    return courses.annotate(for_skill=Exists(builds)).order_by("-for_skill", "title", "pk")


def suggested_courses_for(person) -> list[tuple[Course, LearningRequest]]:
    """Active courses L&D suggested for this person in any request, newest first, each with its request.

    A course suggested in several requests is listed once, with the newest.
    One query. The caller has already fetched the person through a scoped selector.
    """
    Link = LearningRequest.suggested_courses.through
    links = (
        Link.objects.filter(learningrequest__person=person, course__is_active=True)
        .select_related("course", "learningrequest__skill")
        .order_by("-learningrequest__updated_at", "-learningrequest_id", "-pk")
    )
    seen, suggestions = set(), []
    for link in links:
        if link.course_id not in seen:
            seen.add(link.course_id)
            suggestions.append((link.course, link.learningrequest))
    return suggestions
