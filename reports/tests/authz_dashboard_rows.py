"""Authorization matrix rows for these reports URLs (merged into skillbridge/tests/test_authz_matrix.py).

name → (method, kwargs builder taking the `world` fixture, {role: status}); see that module.

The dashboard is for HR and administrators (the organisation), L&D (aggregates) and managers
(their own chain); an employee without reports gets 403. Rater calibration is HR's only.
"""

ROLES = ["anonymous", "employee", "other_employee", "manager", "other_manager", "ld", "hr", "admin"]


def _only(allowed, status=200, others=403):
    return {role: 302 if role == "anonymous" else (status if role in allowed else others) for role in ROLES}


ROWS = {
    "reports:dashboard": ("get", None, _only({"manager", "other_manager", "ld", "hr", "admin"})),
    "reports:calibration": ("get", None, _only({"hr", "admin"})),
}
