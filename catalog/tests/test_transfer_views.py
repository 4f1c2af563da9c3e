"""The catalog import and export pages: status, permissions, upload checks, and the queued import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.forms import CourseImportForm
from catalog.models import Course, CourseImport
from catalog.tests.transfer_helpers import catalog_csv, catalog_xlsx, course_line, xlsx_row

pytestmark = pytest.mark.django_db

GOOD_CSV = catalog_csv(course_line("deleg-101"), course_line("fb-201", skills="feedback 2-4"))
BAD_CSV = catalog_csv(
    course_line("deleg-101"),
    course_line("fb-201", duration_minutes="-5"),
    course_line("x-1", skills="telepathy 1-2"),
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, content, name="catalog.csv"):
    return client.post(reverse("catalog:course_import"), {"file": SimpleUploadedFile(name, content)})


def an_import(user, **fields):
    return CourseImport.objects.create(
        uploaded_by=user, file_name="catalog.csv", file_format="csv", content=GOOD_CSV, **fields
    )


# --- Who may open the pages -----------------------------------------------------------------


PAGES = [
    ("catalog:course_import", None),
    ("catalog:course_import_detail", "pk"),
    ("catalog:course_export", None),
]


def page_url(name, kind, org):
    return reverse(name, kwargs={"pk": an_import(org.ld).pk} if kind == "pk" else None)


@pytest.mark.parametrize(("name", "kind"), PAGES)
@pytest.mark.parametrize("role", ["ld", "admin"])
def test_ld_and_admin_can_open_the_import_and_export_pages(client, org, name, kind, role):
    client.force_login(getattr(org, role))

    assert client.get(page_url(name, kind, org)).status_code == 200


@pytest.mark.parametrize(("name", "kind"), PAGES)
@pytest.mark.parametrize("role", ["employee", "manager", "hr"])
def test_other_roles_are_refused_the_import_and_export_pages(client, org, name, kind, role):
    client.force_login(getattr(org, role))

    assert client.get(page_url(name, kind, org)).status_code == 403


@pytest.mark.parametrize(("name", "kind"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, org, name, kind):
    url = page_url(name, kind, org)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_manager_cannot_upload_a_catalog(client, org):
    client.force_login(org.manager)

    assert upload(client, GOOD_CSV).status_code == 403
    assert not CourseImport.objects.exists()


def test_any_ld_user_may_see_an_import_uploaded_by_someone_else(client, org):
    someone_elses = an_import(org.admin)
    client.force_login(org.ld)

    page = client.get(reverse("catalog:course_import_detail", args=[someone_elses.pk]))

    assert page.status_code == 200


def test_unknown_import_is_not_found(client, org):
    client.force_login(org.ld)

    assert client.get(reverse("catalog:course_import_detail", args=[999999])).status_code == 404


# --- The import page ---------------------------------------------------------------------------


def test_import_page_documents_the_columns_and_lists_recent_imports(client, org):
    an_import(org.ld, status=CourseImport.Status.DONE, created_count=4)
    client.force_login(org.ld)

    page = client.get(reverse("catalog:course_import")).content.decode()

    assert 'accept=".csv,.xlsx"' in page
    assert "duration_minutes" in page
    assert "delegation 1-3; feedback 2-4" in page
    assert "4 added" in page
    assert page.count("btn-primary") == 1


def test_ld_uploads_a_clean_csv_and_sees_the_counts(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.ld)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD_CSV)

    course_import = CourseImport.objects.get()
    assert response.url == reverse("catalog:course_import_detail", args=[course_import.pk])
    page = client.get(response.url).content.decode()
    assert "2 added" in page
    assert Course.objects.count() == 2


def test_ld_uploads_an_xlsx_file(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.ld)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, catalog_xlsx(xlsx_row(course_line())), name="Catalog.XLSX")

    assert CourseImport.objects.get().file_format == CourseImport.FileFormat.XLSX
    assert Course.objects.filter(code="deleg-101").exists()


def test_a_bad_file_shows_every_error_with_its_row_and_changes_nothing(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.ld)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, BAD_CSV)

    page = client.get(response.url).content.decode()
    assert "nothing was changed" in page
    assert "<td>3</td><td>a course lasts at least one minute.</td>" in page
    assert "<td>4</td><td>skill “telepathy” is not in the current rubric.</td>" in page
    assert not Course.objects.exists()


def test_import_status_fragment_for_htmx_polling(client, org):
    client.force_login(org.ld)
    pending = an_import(org.ld)

    fragment = client.get(reverse("catalog:course_import_detail", args=[pending.pk]), headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert 'id="import-status"' in fragment.content.decode()


def test_a_pending_import_page_polls_for_its_status(client, org):
    client.force_login(org.ld)

    page = client.get(reverse("catalog:course_import_detail", args=[an_import(org.ld).pk])).content.decode()

    assert 'hx-trigger="every 1s"' in page


def test_a_finished_import_page_stops_polling(client, org):
    client.force_login(org.ld)
    done = an_import(org.ld, status=CourseImport.Status.DONE)

    page = client.get(reverse("catalog:course_import_detail", args=[done.pk])).content.decode()

    assert "hx-trigger" not in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("catalog.pdf", GOOD_CSV, "Upload a .csv file (UTF-8) or an Excel workbook (.xlsx)."),
        ("catalog.xls", GOOD_CSV, "Upload a .csv file (UTF-8) or an Excel workbook (.xlsx)."),
        ("catalog.csv", b"", "The submitted file is empty"),
    ],
)
def test_import_refuses_wrong_files_with_a_message(client, org, name, content, message):
    client.force_login(org.ld)

    response = upload(client, content, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CourseImport.objects.exists()


def test_upload_over_the_configured_limit_is_refused(client, org, settings):
    settings.COURSE_IMPORT_MAX_BYTES = 100
    client.force_login(org.ld)

    response = upload(client, GOOD_CSV)

    assert "The file is larger than 100\xa0bytes." in response.content.decode()
    assert not CourseImport.objects.exists()


def test_a_50_mb_upload_is_refused_by_default_and_nothing_is_recorded(client, org):
    client.force_login(org.ld)

    response = upload(client, b"a" * (50 * 1024 * 1024 + 1))  # a real upload: about a third of a second

    assert response.status_code == 200
    assert "The file is larger than 50 MB." in response.content.decode()
    assert not CourseImport.objects.exists()


def test_upload_field_says_the_limit_and_the_kinds_of_file():
    field = CourseImportForm()["file"]

    assert "Up to 50 MB." in field.help_text
    assert field.field.widget.attrs["accept"] == ".csv,.xlsx"


def test_import_still_runs_when_the_broker_is_unreachable(client, org, monkeypatch, django_capture_on_commit_callbacks):
    from catalog import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.run_course_import, "delay", broker_down)
    client.force_login(org.ld)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD_CSV)

    assert response.status_code == 302
    assert CourseImport.objects.get().status == CourseImport.Status.DONE
    assert Course.objects.filter(code="fb-201").exists()


# --- Export and the catalog page -----------------------------------------------------------------


def test_export_with_an_unknown_format_redirects_with_a_message(client, org):
    client.force_login(org.ld)

    response = client.get(reverse("catalog:course_export"), {"format": "pdf"}, follow=True)

    assert response.redirect_chain == [(reverse("catalog:course_list"), 302)]
    assert "exported as CSV or Excel (XLSX) only" in response.content.decode()


def test_catalog_page_offers_import_and_export_to_ld_beside_the_one_primary_button(client, org):
    client.force_login(org.ld)

    page = client.get(reverse("catalog:course_list")).content.decode()

    assert reverse("catalog:course_import") in page
    assert f"{reverse('catalog:course_export')}?format=csv" in page
    assert f"{reverse('catalog:course_export')}?format=xlsx" in page
    assert page.count("btn btn-primary") == 1


def test_catalog_page_hides_import_and_export_from_employees(client, org):
    client.force_login(org.employee)

    page = client.get(reverse("catalog:course_list")).content.decode()

    assert reverse("catalog:course_import") not in page
    assert reverse("catalog:course_export") not in page


@pytest.mark.parametrize("uploads", [1, 25])
def test_the_import_page_takes_the_same_queries_whatever_the_number_of_uploads(
    client, org, uploads, django_assert_max_num_queries
):
    for n in range(uploads):
        CourseImport.objects.create(uploaded_by=org.ld, file_name=f"catalog-{n}.csv", file_format="csv", content=b"x")
    client.force_login(org.ld)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalog:course_import"))
    assert response.status_code == 200
