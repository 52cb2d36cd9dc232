"""Kalata api web layer."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kalata.api"
    label = "api"
    verbose_name = "API des terminaux et partenaires"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The token event types register on import; every token must equal the latest
        # ``api.token_created``/``api.token_revoked`` event about it (``kalata audit verify``),
        # except ``last_used_at``, a usage hint written outside the log.
        from kalata.api import tokens  # noqa: F401
        from kalata.audit.registry import model_serializer, register_audited_model

        register_audited_model("api.apitoken", model_serializer(exclude=("last_used_at",)))
