"""Authorization matrix rows for these reports URLs (merged into skillbridge/tests/test_authz_matrix.py).

name → (method, kwargs builder taking the `world` fixture, {role: status}); see that module.

Raw (individual-level) data: HR and administrators for the organisation, each manager for their own chain
(other_manager gets a file of their own people, not Brian's: see test_exports.py), never L&D or employees.
Aggregate reports: anyone who has a dashboard. A background export is its owner's alone: anyone else gets 404.
Data-subject requests: HR and administrators.
"""

import weakref

from django.core.files.base import ContentFile

ROLES = ["anonymous", "employee", "other_employee", "manager", "other_manager", "ld", "hr", "admin"]


def _only(allowed, status=200, others=403):
    return {role: 302 if role == "anonymous" else (status if role in allowed else others) for role in ROLES}


INDIVIDUAL = {"manager", "other_manager", "hr", "admin"}
AGGREGATE = INDIVIDUAL | {"ld"}
HR = {"hr", "admin"}


def _job(org, *, done=False):
    """A background export of the people dataset, owned by HR (with its file when done)."""
    from reports.models import ExportJob

    job = ExportJob.objects.create(user=org.hr, kind="dataset", key="people", title="People", file_format="csv")
    if done:
        from django.utils import timezone

        job.file.save(f"matrix-{job.pk}.csv", ContentFile(b"\xef\xbb\xbfemployee_number\r\n"), save=False)
        job.status = ExportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save()
        weakref.finalize(org, job.file.storage.delete, job.file.name)  # no file left behind after the test
    return {"pk": job.pk}


ROWS = {
    "reports:exports": ("get", None, _only(AGGREGATE)),
    "reports:dataset_export": ("get", lambda org: {"key": "people", "fmt": "csv"}, _only(INDIVIDUAL)),
    "reports:report_export": ("get", lambda org: {"key": "skill-gaps", "fmt": "csv"}, _only(AGGREGATE)),
    "reports:export_job_start": (
        "post",
        lambda org: {"kind": "dataset", "key": "people", "fmt": "csv"},
        _only(INDIVIDUAL, status=302),
    ),
    "reports:export_job": ("get", lambda org: _job(org), _only({"hr"}, others=404)),
    "reports:export_job_download": ("get", lambda org: _job(org, done=True), _only({"hr"}, others=404)),
    "reports:export_log": ("get", None, _only(HR)),
    "reports:person_data": ("get", lambda org: {"pk": org.employee_person.pk}, _only(HR)),
    "reports:person_data_download": (
        "get",
        lambda org: {"pk": org.employee_person.pk, "fmt": "json"},
        _only(HR),
    ),
    "reports:person_anonymise": ("get", lambda org: {"pk": org.employee_person.pk}, _only(HR)),
}
