from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self):
        from .dashboard_cache import WATCHED_MODELS, data_changed

        # The dashboards keep their figures in the cache until the data they count changes.
        for label in WATCHED_MODELS:
            model = apps.get_model(label)
            post_save.connect(data_changed, sender=model, dispatch_uid=f"reports-data-changed-save-{label}")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"reports-data-changed-delete-{label}")
