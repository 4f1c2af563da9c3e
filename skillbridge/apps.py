from django.apps import AppConfig


class SkillbridgeConfig(AppConfig):
    name = "skillbridge"
    verbose_name = "SkillBridge"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_at_login

        # The session's sign-in time, for the absolute and idle expiry (middleware.py).
        user_logged_in.connect(stamp_session_at_login, dispatch_uid="skillbridge-stamp-session-at-login")
