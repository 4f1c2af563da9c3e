"""The catalog search (catalog/course_search.py): the list page's search, and courses_for(search=...) that the plan
page uses to add any active course. Run on both backends: PostgreSQL searches with full text and trigrams, SQLite
with its plain fallback; where they differ, each test says what each one does."""

import pytest
from django.db import connection
from django.urls import reverse

from catalog import selectors
from catalog.models import Course, CourseSkill
from catalog.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def _skill(key):
    return selectors.current_skills().get(key=key)


def _course(title, *skills, **fields):
    course = CourseFactory(title=title, **fields)
    for key, level_from, level_to in skills:
        CourseSkill.objects.create(course=course, skill=_skill(key), level_from=level_from, level_to=level_to)
    return course


def _found(search, **filters):
    return [course.title for course in selectors.courses_for(None, search=search, **filters)]


@pytest.fixture
def catalog(db):
    """A few courses from the demo catalog, with the skills they build."""
    return {
        "confident": _course(
            "Presenting with Confidence",
            ("presenting", 1, 3),
            description="Two days of rehearsal with video playback for people who get nervous in front of a group.",
            provider="Harbour Leadership Institute",
            format=Course.Format.INSTRUCTOR_LED,
            duration_minutes=900,
        ),
        "update": _course(
            "The Five-Minute Project Update",
            ("presenting", 1, 2),
            description="A repeatable shape for short status updates: where we are, what is at risk, what I need.",
            provider="Internal L&D",
            format=Course.Format.MICROLEARNING,
        ),
        "speak_up": _course(
            "Speaking Up in Meetings",
            ("verbal-communication", 1, 2),
            code="comm-speak-up",
            description="Short lessons on voicing disagreement and ideas early, without dominating the room.",
            provider="Media Partners",
        ),
        "writing": _course(
            "Writing Clear Work E-mails",
            ("written-communication", 1, 3),
            description="Structure e-mails and chat messages so the reader knows what you need and by when.",
        ),
        "letting_go": _course(
            "Letting Go: From Doer to Leader",
            ("delegation", 2, 4),
            description="A one-day workshop for strong individual contributors moving into their first lead role.",
            format=Course.Format.WORKSHOP,
        ),
        "delegation": _course(
            "Delegation Essentials for New Leads",
            ("delegation", 1, 3),
            description="What to delegate, to whom, with how much guidance, and how to follow up.",
            format=Course.Format.ELEARNING,
        ),
        "safety": _course(
            "Building Psychological Safety",
            ("collaboration", 2, 4),
            description="Practical ways a team makes it safe to raise problems and admit mistakes.",
            format=Course.Format.WORKSHOP,
        ),
        "giving": _course("Giving Feedback that Lands", ("feedback", 1, 3), description="The SBI model."),
    }


def test_a_course_is_found_by_the_name_of_a_skill_it_builds(catalog):
    assert _found("presenting") == ["Presenting with Confidence", "The Five-Minute Project Update"]


def test_a_course_is_found_by_a_behaviour_of_a_skill_it_builds(catalog):
    # Presenting: "Reads slides word for word instead of talking to the audience".
    assert set(_found("slides")) == {"Presenting with Confidence", "The Five-Minute Project Update"}


def test_a_course_is_found_by_the_description_of_a_skill_it_builds(catalog):
    # Written communication: "Writing emails, documents, tickets and messages that the reader can understand ...".
    assert _found("tickets") == ["Writing Clear Work E-mails"]


def test_a_course_is_found_by_its_description_and_its_provider(catalog):
    assert _found("rehearsal") == ["Presenting with Confidence"]
    assert _found("harbour") == ["Presenting with Confidence"]


def test_every_word_must_be_found_somewhere_in_the_course_or_its_skills(catalog):
    # "workshop" is in the course's description, "delegation" is the skill it builds.
    assert _found("delegation workshop") == ["Letting Go: From Doer to Leader"]


def test_public_speaking_finds_presenting_with_confidence_through_its_skill(catalog):
    # The rubric's Presenting: "Speaking in public: explaining an idea, update or proposal to a group, ...".
    found = _found("public speaking")
    assert "Presenting with Confidence" in found
    assert "Speaking Up in Meetings" not in found  # speaking, but nothing public


def test_small_words_do_not_have_to_be_found(catalog):
    assert _found("presenting with confidence")[0] == "Presenting with Confidence"
    assert _found("delegation for new leads") == ["Delegation Essentials for New Leads"]


def test_the_best_match_comes_first(catalog):
    # "Presenting" in the title beats a course found through its skill only.
    assert _found("presenting")[0] == "Presenting with Confidence"
    # "group" is in its own description; the Five-Minute Update is found through Presenting's ("to a group").
    assert _found("group") == ["Presenting with Confidence", "The Five-Minute Project Update"]


def test_a_chosen_order_wins_over_the_best_match(catalog):
    assert _found("presenting", sort="duration") == ["The Five-Minute Project Update", "Presenting with Confidence"]


def test_the_course_code_finds_it(catalog):
    assert _found("comm-speak-up") == ["Speaking Up in Meetings"]


def test_other_words_of_a_word_find_it_on_postgresql(catalog):
    """PostgreSQL's English stemming: "presentations" is "present", as "Presenting" is; SQLite matches as typed."""
    assert _found("presentations") == (
        ["Presenting with Confidence", "The Five-Minute Project Update"] if ON_POSTGRESQL else []
    )


def test_a_mistyped_word_finds_the_course_on_postgresql(catalog):
    """Trigram word similarity on the title and the skills' names; SQLite has no typo tolerance."""
    if ON_POSTGRESQL:
        assert _found("presentng")[0] == "Presenting with Confidence"
        assert set(_found("delegaton")) == {"Delegation Essentials for New Leads", "Letting Go: From Doer to Leader"}
    else:
        assert _found("presentng") == []


def test_retired_courses_and_other_filters_still_apply_to_a_search(catalog):
    catalog["update"].is_active = False
    catalog["update"].save()
    assert _found("presenting") == ["Presenting with Confidence"]
    assert _found("presenting", include_retired=True) == [
        "Presenting with Confidence",
        "The Five-Minute Project Update",
    ]
    assert _found("workshop", course_format=Course.Format.WORKSHOP, skill_key="delegation") == [
        "Letting Go: From Doer to Leader"
    ]


def test_a_search_of_nothing_but_punctuation_shows_the_whole_catalog(catalog):
    assert len(_found("  ")) == len(catalog)
    assert _found("?!") == []


def test_a_course_renamed_by_a_bulk_update_is_found_by_its_new_title(catalog):
    """The search vector follows every write, not only forms (a trigger on PostgreSQL)."""
    Course.objects.filter(pk=catalog["giving"].pk).update(title="Feedforward in practice")
    assert _found("feedforward") == ["Feedforward in practice"]


# --- the list page ------------------------------------------------------------------------------------------------


def test_the_catalog_page_searches_skills_and_keeps_the_search_across_pages(client, org, catalog):
    for n in range(30):
        _course(f"Presenting drill {n:02}", ("presenting", 1, 2))
    client.force_login(org.employee)
    response = client.get(reverse("catalog:course_list"), {"q": "slides"})
    assert response.context["page"].paginator.count == 32
    assert "q=slides" in response.context["query"]
    second = client.get(reverse("catalog:course_list"), {"q": "slides", "page": 2})
    assert len(second.context["page"].object_list) == 7


@pytest.mark.parametrize("size", [3, 60])
def test_a_search_query_count_does_not_grow_with_the_catalog(client, org, size, django_assert_max_num_queries):
    for n in range(size):
        _course(f"Presenting {n}", ("presenting", 1, 3), ("feedback", 1, 2), description="Practice in a group.")
    client.force_login(org.employee)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("catalog:course_list"), {"q": "public speaking slides presentng group"})
    assert response.status_code == 200


# --- the indexes the search reads through (PostgreSQL), and none on SQLite --------------------------------------


def _course_indexes():
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "catalog_course"))


def test_the_search_reads_the_course_text_and_the_titles_through_gin_indexes_on_postgresql(catalog):
    if not ON_POSTGRESQL:
        # Migration 0004 does nothing there: SQLite has no GIN indexes, and searches without them.
        assert not {"course_search_vector", "course_title_trigram"} & _course_indexes()
        return
    assert {"course_search_vector", "course_title_trigram"} <= _course_indexes()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the planner show it can
    plan = selectors.courses_for(None, search="presentng").explain()
    assert "course_search_vector" in plan
    assert "course_title_trigram" in plan
