from django.db.models import Q, QuerySet

from .models import Course


def courses_for(user, *, search: str = "", course_format: str = "") -> QuerySet[Course]:
    """The active catalog; everyone who can log in may read it."""
    courses = Course.objects.filter(is_active=True)
    if search:
        courses = courses.filter(
            Q(title__icontains=search) | Q(description__icontains=search) | Q(provider__icontains=search)
        )
    if course_format:
        courses = courses.filter(format=course_format)
    return courses.order_by("title", "pk")
