from django.apps import AppConfig


class DevplansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "devplans"

    def ready(self):
        from assessments.selectors import register_taken_courses

        from .selectors import courses_in_plans

        # Recommendations leave out courses already in someone's plans (see assessments.selectors).
        register_taken_courses(courses_in_plans)
