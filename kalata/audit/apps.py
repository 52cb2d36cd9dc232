from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kalata.audit"
    label = "audit"
    verbose_name = "Journal d'audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The built-in event types register themselves on import.
        from kalata.audit import events  # noqa: F401
