from django.apps import AppConfig


class DevplansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "devplans"
