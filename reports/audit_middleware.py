"""Who and where, for the audit trail: the signed-in user's id and the request path go with every change.

On PostgreSQL every request runs inside `pghistory.context(user=..., url=...)`: django-pghistory prefixes each
writing SQL statement with a transaction-local `set_config(...)`, and the audit triggers copy that context into
each event they write (people/audit.py). pghistory's own HistoryMiddleware does the same on every database, but
`set_config` is PostgreSQL's: on SQLite (the zero-setup demo) the request runs as it is, and no triggers record
anything there anyway. Celery tasks and management commands run outside any request: their events have no
context and the history page shows them as made by the system.
"""

import pghistory
from django.db import connection


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if connection.vendor == "postgresql":
            with pghistory.context(user=_user_id(request), url=request.path):
                return self.get_response(request)
        return self.get_response(request)


def _user_id(request):
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None
