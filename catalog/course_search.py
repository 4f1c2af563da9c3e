"""Course search: finding courses by the words people use for what they need. Reads only.

A course matches when every word of the search is found in one of:

- the course's title, description or provider;
- a skill the course builds: the skill's name or description, or the text of one of its behaviours
  ("slides" finds the Presenting courses: "Reads slides word for word instead of talking to the audience");
- for a mistyped word (PostgreSQL only), something close to it in the title or in a skill's name
  ("presentng" finds Presenting with Confidence).

The course's code, or part of it, finds it too. Only the first MAX_WORDS words count.

PostgreSQL: English full-text search, so "speaking" finds "speak" and words such as "the" or "with" are
skipped. The course's own text is matched through Course.search_vector (kept by a trigger, GIN-indexed:
catalog/models.py, migration 0004), the skills' text as it is (a few dozen rows), a mistyped word through
pg_trgm's word similarity (a trigram GIN index on the title). The best match comes first: words in the
course's own text (the title weighs most, then the description, then the provider), then how close the title
is to the whole search, which also orders what only a mistyped word found; a course found only through its
skills comes after those found by their own text.

SQLite (the zero-setup first run): every word must appear, as typed and in any case, in the same
fields (no stemming, no typos; a few words such as "the" are skipped); titles holding the whole search
come first, then titles holding more of its words.

Either way the search adds no query: the results stay one queryset, counted and paged as before.
"""

import re

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import Case, F, FloatField, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.lookups import Exact

from .models import CourseSkill

CONFIG = "english"
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
# The rank of the course's own text (ts_rank, about 0.6 for a word in the title), plus up to this much for a title
# close to the whole search: it orders what only a mistyped word found, and breaks ties.
TITLE_WEIGHT = 0.1
# The SQLite fallback has no stemmer or stop-word list; these few words would otherwise have to appear.
PLAIN_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "i", "in", "into", "is", "it", "my"}
    | {"of", "on", "or", "our", "the", "their", "to", "with", "your"}
)
_WORD = re.compile(r"\w+", re.UNICODE)


def _skill_model():
    """assessments.Skill, reached through the foreign key so catalog never imports assessments."""
    return CourseSkill._meta.get_field("skill").related_model


def words_of(search: str) -> list[str]:
    """The words of a search, lower case, each once, in order: "Public  speaking!" → ["public", "speaking"]."""
    words = []
    for word in _WORD.findall(search.lower()):
        word = word[:MAX_WORD_LENGTH]
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def _skill_vector():
    return SearchVector("name", config=CONFIG, weight="A") + SearchVector("description", config=CONFIG, weight="B")


def search_courses(courses: QuerySet, search: str) -> QuerySet:
    """`courses` narrowed to those matching `search`, annotated with `relevance` (higher is better)."""
    search = search.strip()
    words = words_of(search)
    if not words:
        found = courses.filter(code__icontains=search) if search else courses
        return found.annotate(relevance=Value(0.0, output_field=FloatField()))
    if connections[courses.db].vendor == "postgresql":
        return _full_text(courses, search, words)
    return _plain(courses, search, words)


def _full_text(courses: QuerySet, search: str, words: list[str]) -> QuerySet:
    Course, Skill = courses.model, _skill_model()
    matches = Q()
    any_word = None
    for word in words:
        query = SearchQuery(word, config=CONFIG)
        any_word = query if any_word is None else any_word | query
        # Each set below is an uncorrelated subquery, read once, through its index or from a small table.
        own_text = Course.objects.filter(search_vector=query).values("pk")
        close_title = Course.objects.filter(TrigramWordSimilar(F("title"), word)).values("pk")
        behaviours = Skill.objects.filter(
            SearchVectorExact(SearchVector("behaviours__text", config=CONFIG), query)
        ).values("pk")
        skills = Skill.objects.filter(
            Q(SearchVectorExact(_skill_vector(), query)) | Q(TrigramWordSimilar(F("name"), word)) | Q(pk__in=behaviours)
        ).values("pk")
        through_skills = CourseSkill.objects.filter(skill_id__in=skills).values("course_id")
        # A word the English configuration ignores ("the", "with") leaves an empty query: it asks for nothing.
        ignored = Exact(Func(query, function="numnode", output_field=IntegerField()), 0)
        matches &= Q(ignored) | Q(pk__in=own_text) | Q(pk__in=close_title) | Q(pk__in=through_skills)
    # Nothing but such words ("the"): look for the search as typed instead.
    nothing_asked = Exact(Func(any_word, function="numnode", output_field=IntegerField()), 0)
    matches = (~Q(nothing_asked) & matches) | (Q(nothing_asked) & _plain_text(search))
    relevance = SearchRank(F("search_vector"), any_word) + TrigramWordSimilarity(search, "title") * TITLE_WEIGHT
    return courses.filter(matches | Q(code__icontains=search)).annotate(relevance=relevance)


def _plain_text(text: str) -> Q:
    return Q(title__icontains=text) | Q(description__icontains=text) | Q(provider__icontains=text)


def _plain(courses: QuerySet, search: str, words: list[str]) -> QuerySet:
    Skill = _skill_model()
    matches = Q()
    for word in [word for word in words if word not in PLAIN_STOP_WORDS] or words:
        skills = Skill.objects.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(behaviours__text__icontains=word)
        ).values("pk")
        through_skills = CourseSkill.objects.filter(skill_id__in=skills).values("course_id")
        matches &= _plain_text(word) | Q(pk__in=through_skills)
    # The whole search in the title first, then the more of its words the title holds.
    relevance = sum(
        (_when(Q(title__icontains=word), 1.0) for word in words), start=_when(Q(title__icontains=search), len(words))
    )
    return courses.filter(matches | Q(code__icontains=search)).annotate(relevance=relevance)


def _when(condition: Q, points: float) -> Case:
    return Case(When(condition, then=Value(float(points))), default=Value(0.0), output_field=FloatField())
