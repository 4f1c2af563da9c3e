"""Reads for catalog import and export (kept beside transfer_views.py and transfer_urls.py)."""

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from people.selectors import roles_for

from .models import Course, CourseImport, CourseSkill

EXPORT_CHUNK = 500


def _is_curator(user) -> bool:
    roles = roles_for(user)
    return roles.is_ld or roles.is_admin


def recent_course_imports(user, *, limit: int = 20) -> QuerySet[CourseImport]:
    """The latest catalog uploads, by anyone in L&D; nothing for anyone else."""
    if not _is_curator(user):
        return CourseImport.objects.none()
    return CourseImport.objects.select_related("uploaded_by").defer("content")[:limit]


def course_import_for(user, pk: int) -> QuerySet[CourseImport]:
    if not _is_curator(user):
        return CourseImport.objects.none()
    return CourseImport.objects.select_related("uploaded_by").defer("content").filter(pk=pk)


def catalog_in_chunks(user, *, chunk_size: int = EXPORT_CHUNK) -> Iterator[list[Course]]:
    """The whole catalog for L&D (retired courses too); nothing for anyone else. See whole_catalog_in_chunks."""
    if not _is_curator(user):
        return iter(())
    return whole_catalog_in_chunks(chunk_size=chunk_size)


def whole_catalog_in_chunks(*, chunk_size: int = EXPORT_CHUNK) -> Iterator[list[Course]]:
    """Every course, retired ones too, by code, in lists of chunk_size courses with their
    skill links: two queries a chunk, however many links there are. For trusted callers
    (management commands); views use catalog_in_chunks."""
    links = CourseSkill.objects.select_related("skill").order_by("skill__order", "skill__key")
    courses = Course.objects.prefetch_related(Prefetch("skills", queryset=links)).order_by("code")
    last = None
    while True:
        chunk = list((courses.filter(code__gt=last) if last is not None else courses)[:chunk_size])
        if chunk:
            yield chunk
        if len(chunk) < chunk_size:
            return
        last = chunk[-1].code
