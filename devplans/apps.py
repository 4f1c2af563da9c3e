from django.apps import AppConfig


class DevplansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "devplans"

    def ready(self):
        from assessments.selectors import register_course_outcomes, register_taken_courses

        from .selectors import courses_in_plans
        from .survey_selectors import course_outcomes

        # Recommendations leave out courses already in someone's plans, and rank by what follow-up
        # surveys found each course did (see assessments.selectors).
        register_taken_courses(courses_in_plans)
        register_course_outcomes(course_outcomes)
