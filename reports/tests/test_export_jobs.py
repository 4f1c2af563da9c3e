"""Big exports in the background (ExportJob and its task), and HR's export log page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Rating
from people.tests.factories import UserFactory
from reports import export_services, tasks
from reports.export_selectors import DATASETS
from reports.filters import ReportFilters
from reports.models import ExportJob, ExportLog
from reports.tests.test_exports import build, content, csv_rows, expected_ratings, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(org):
    return build(org)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def start(client, user, key="ratings", fmt="csv", query=""):
    client.force_login(user)
    url = reverse("reports:export_job_start", kwargs={"kind": "dataset", "key": key, "fmt": fmt})
    return client.post(url + (f"?{query}" if query else ""))


def test_an_export_above_the_limit_offers_the_background_instead_of_a_file(client, data, settings):
    settings.EXPORT_BACKGROUND_ROWS = 5
    client.force_login(data.hr)

    response = client.get(reverse("reports:dataset_export", kwargs={"key": "ratings", "fmt": "csv"}))

    assert response.status_code == 200
    assert not response.has_header("Content-Disposition")
    assert response.context["count"] == Rating.objects.count()
    assert reverse("reports:export_job_start", kwargs={"kind": "dataset", "key": "ratings", "fmt": "csv"}) in (
        response.content.decode()
    )
    assert not ExportJob.objects.exists()  # a GET prepares nothing


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_background_export_writes_the_file_the_owner_downloads(client, data, fmt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, data.hr, fmt=fmt)

    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:export_job", kwargs={"pk": job.pk})
    assert (job.status, job.rows_done, job.rows_total, job.user) == (
        "done",
        Rating.objects.count(),
        Rating.objects.count(),
        data.hr,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Your file is ready" in page and 'hx-trigger="every 1s"' not in page
    body = content(client.get(reverse("reports:export_job_download", kwargs={"pk": job.pk})))
    rows = csv_rows(body) if fmt == "csv" else [[str(v) for v in r] for r in xlsx_rows(body)]
    assert len(rows) - 1 == Rating.objects.count()
    if fmt == "csv":
        assert rows[1:] == expected_ratings(data.brian_assessment, data.olivia_assessment)
    log = ExportLog.objects.get()
    assert (log.background, log.row_count, log.key, log.file_format) == (True, Rating.objects.count(), "ratings", fmt)


def test_nobody_else_sees_or_downloads_someone_elses_export(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start(client, data.manager)
    job = ExportJob.objects.get()

    for user in (data.hr, data.other_manager, data.admin, data.employee):
        client.force_login(user)
        assert client.get(reverse("reports:export_job", kwargs={"pk": job.pk})).status_code == 404
        assert client.get(reverse("reports:export_job_download", kwargs={"pk": job.pk})).status_code == 404


def test_a_managers_background_export_holds_their_chain_only(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start(client, data.manager)

    body = content(client.get(reverse("reports:export_job_download", kwargs={"pk": ExportJob.objects.get().pk})))
    assert csv_rows(body)[1:] == expected_ratings(data.brian_assessment)


def test_a_waiting_export_shows_progress_and_polls(client, data):
    job = ExportJob.objects.create(
        user=data.hr, kind="dataset", key="ratings", title="Ratings", file_format="csv", rows_total=200, rows_done=50
    )
    client.force_login(data.hr)

    body = client.get(reverse("reports:export_job", kwargs={"pk": job.pk})).content.decode()
    partial = client.get(reverse("reports:export_job", kwargs={"pk": job.pk}), headers={"HX-Request": "true"})

    assert 'hx-trigger="every 1s"' in body and 'value="25"' in body and "50 of 200 rows" in body
    assert partial.content.decode().lstrip().startswith('<div id="export-job-status"')
    assert client.get(reverse("reports:export_job_download", kwargs={"pk": job.pk})).status_code == 404


def test_running_a_job_again_does_nothing_once_it_is_done(data):
    job = export_services.start_export_job(
        user=data.hr, kind="dataset", key="people", file_format="csv", filters=ReportFilters()
    )
    first = export_services.run_export_job(job_id=job.pk)
    name, finished = first.file.name, first.finished_at

    assert export_services.run_export_job(job_id=job.pk) is None
    tasks.run_export_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.file.name, job.finished_at) == ("done", name, finished)


def test_a_job_whose_worker_died_is_written_again_from_the_start(data):
    job = ExportJob.objects.create(
        user=data.hr, kind="dataset", key="people", title="People", file_format="csv", status="running", rows_done=7
    )

    export_services.run_export_job(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == DATASETS["people"].model.objects.count()


def test_progress_is_recorded_while_the_file_is_written(data, monkeypatch):
    from reports import tabular

    monkeypatch.setattr(tabular, "CHUNK_ROWS", 10)
    seen = []
    original = tabular.write_file

    def spy(*args, on_progress, **kwargs):
        def record(done):
            on_progress(done)
            seen.append(ExportJob.objects.values_list("rows_done", flat=True).get())

        return original(*args, on_progress=record, **kwargs)

    monkeypatch.setattr(tabular, "write_file", spy)
    job = export_services.start_export_job(
        user=data.hr, kind="dataset", key="ratings", file_format="csv", filters=ReportFilters()
    )
    export_services.run_export_job(job_id=job.pk, progress_every=10)

    total = Rating.objects.count()  # 24: two full chunks of 10, then 4 more
    assert seen == [10, 20, 20]  # recorded every 10 rows while writing
    assert ExportJob.objects.get().rows_done == total


def test_a_job_whose_filters_no_longer_apply_fails_with_a_message(data):
    job = ExportJob.objects.create(
        user=data.hr, kind="dataset", key="people", title="People", file_format="csv", filters={"department": "999999"}
    )

    export_services.run_export_job(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and "No department" in job.error and not job.file


def test_a_report_can_be_prepared_in_the_background_too(client, data, django_capture_on_commit_callbacks):
    from reports.dashboards import REPORTS

    client.force_login(data.ld)
    url = reverse("reports:export_job_start", kwargs={"kind": "report", "key": "skill-gaps", "fmt": "xlsx"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:export_job", kwargs={"pk": job.pk})
    rows = xlsx_rows(content(client.get(reverse("reports:export_job_download", kwargs={"pk": job.pk}))))
    expected = list(REPORTS["skill-gaps"].rows(data.ld, ReportFilters()))
    assert rows[0] == REPORTS["skill-gaps"].headers
    assert len(rows) - 1 == len(expected) == job.rows_done


def test_ld_cannot_start_a_raw_data_export(client, data):
    assert start(client, data.ld).status_code == 403
    assert not ExportJob.objects.exists()


def test_exports_left_waiting_are_queued_again(data, monkeypatch):
    old = ExportJob.objects.create(user=data.hr, kind="dataset", key="people", title="People", file_format="csv")
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    new = ExportJob.objects.create(user=data.hr, kind="dataset", key="people", title="People", file_format="csv")
    queued = []
    monkeypatch.setattr(tasks.run_export_job, "delay", queued.append)

    assert tasks.requeue_waiting_exports() == 1
    assert queued == [old.pk] and new.pk not in queued


# --- the export log page ------------------------------------------------------------------------------------------


def _log(user, n, **fields):
    for _ in range(n):
        export_services.log_export(user=user, kind="dataset", key="people", file_format="csv", **fields)


def test_hr_sees_the_log_filtered_by_person_and_dates(client, data):
    _log(data.manager, 2)
    _log(data.hr, 1)
    ExportLog.objects.filter(user=data.hr).update(created_at=timezone.now() - timedelta(days=40))
    client.force_login(data.hr)
    url = reverse("reports:export_log")

    everyone = client.get(url).context["page"]
    kate = client.get(url, {"user": data.manager.pk}).context["page"]
    recent = client.get(url, {"date_from": (timezone.localdate() - timedelta(days=7)).isoformat()}).context["page"]

    assert everyone.paginator.count == 3
    assert {e.user for e in kate} == {data.manager} and kate.paginator.count == 2
    assert {e.user for e in recent} == {data.manager}


def test_the_log_says_when_the_dates_are_the_wrong_way_round(client, data):
    _log(data.manager, 1)
    client.force_login(data.hr)

    response = client.get(reverse("reports:export_log"), {"date_from": "2026-05-01", "date_to": "2026-01-01"})

    assert "after the “up to” date" in response.content.decode()
    assert response.context["page"].paginator.count == 1


def test_the_log_is_paginated(client, data):
    _log(data.manager, 55)
    client.force_login(data.hr)

    second = client.get(reverse("reports:export_log"), {"page": 2}).context["page"]

    assert len(second.object_list) == 5


def test_the_log_cannot_be_changed_in_the_admin(client, data):
    _log(data.manager, 1)
    entry = ExportLog.objects.get()
    client.force_login(data.admin)

    assert client.get(reverse("admin:reports_exportlog_changelist")).status_code == 200
    assert client.post(reverse("admin:reports_exportlog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:reports_exportlog_add")).status_code == 403
    assert ExportLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("users", [2, 25])
def test_the_log_page_issues_the_same_queries_whatever_its_size(client, data, users, django_assert_max_num_queries):
    for i in range(users):
        _log(UserFactory(email=f"exporter{i}@example.com"), 3, filters_text="The organisation")
    client.force_login(data.hr)

    with django_assert_max_num_queries(8):
        assert client.get(reverse("reports:export_log")).status_code == 200
