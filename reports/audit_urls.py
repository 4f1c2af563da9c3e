from django.urls import path

from . import audit_views

urlpatterns = [
    # The audit trail of one person (HR and administrators).
    path("people/<int:pk>/history/", audit_views.person_history, name="person_history"),
]
