"""Authorization matrix rows for these reports URLs (merged into skillbridge/tests/test_authz_matrix.py).

name → (method, kwargs builder taking the `world` fixture, {role: status}); see that module.
"""

ROWS = {}
