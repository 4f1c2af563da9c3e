from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import health_views, views
from .forms import EmailAuthenticationForm, LabelledPasswordResetForm

admin.site.site_header = "SkillBridge administration"
admin.site.site_title = "SkillBridge admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("status/", views.status, name="status"),
    # Probes for load balancers and process managers: no login, no trailing slash (deploy/README.md).
    path("healthz", health_views.healthz, name="healthz"),
    path("readyz", health_views.readyz, name="readyz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=LabelledPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("people.urls")),
    path("", include("devplans.urls")),
    path("catalog/", include("catalog.urls")),
    path("", include("assessments.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
