from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save


class SkillbridgeConfig(AppConfig):
    name = "skillbridge"
    verbose_name = "SkillBridge"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_at_login

        # The session's sign-in time, for the absolute and idle expiry (middleware.py).
        user_logged_in.connect(stamp_session_at_login, dispatch_uid="skillbridge-stamp-session-at-login")

        from .data_cache import WATCHED_MODELS, data_changed

        # Kept figures (dashboards, headcount, course success) stay until the data they count changes.
        for label in WATCHED_MODELS:
            model = apps.get_model(label)
            post_save.connect(data_changed, sender=model, dispatch_uid=f"data-changed-save-{label}")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"data-changed-delete-{label}")
