"""Authorization matrix rows for the audit trail's URLs (merged into skillbridge/tests/test_authz_matrix.py).

name → (method, kwargs builder taking the `world` fixture, {role: status}); see that module.

A person's history is for HR and administrators, whoever the person is; for anyone else, Brian's history
(even a manager's own report's, or an employee's own) is simply not there: 404.
"""

ROLES = ["anonymous", "employee", "other_employee", "manager", "other_manager", "ld", "hr", "admin"]


def _only(allowed, status=200, others=404):
    return {role: 302 if role == "anonymous" else (status if role in allowed else others) for role in ROLES}


ROWS = {
    "reports:person_history": ("get", lambda org: {"pk": org.employee_person.pk}, _only({"hr", "admin"})),
}
