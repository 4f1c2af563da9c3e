"""The dashboards' figures, kept in the cache between page views (skillbridge/data_cache.py).

Each dashboard section is an aggregate over up to the whole organisation: 0.2-0.3 s of SQL on
20,000 people, for figures that change a few times a minute at most. They are kept under everything
that decides them: who is looking (HR, L&D, or which manager, whose chain the rows count), the
filters and the reports shown; data_cache adds the day, the code and the data version.
"""

from people.selectors import roles_for
from skillbridge.data_cache import remember

from .filters import MANAGER


def cached(user, filters, reports, compute):
    """remember() for a dashboard: its figures depend on who looks (HR, L&D, or which manager, whose
    chain they count), the filters and the reports shown."""
    viewer = filters.viewer(user)
    whose = roles_for(user).person.pk if viewer == MANAGER else "organisation"
    return remember("dashboard", [viewer, whose, filters.querystring(), ",".join(r.key for r in reports)], compute)
