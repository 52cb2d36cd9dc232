from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kalata.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kalata.accounts import services, signals  # noqa: F401  (event types register)
        from kalata.audit.registry import model_serializer, register_audited_model

        # Every role assignment must equal the latest ``role.granted``/``role.revoked`` event
        # about it: ``kalata audit verify`` reports a role changed behind the log.
        register_audited_model("accounts.roleassignment", model_serializer())
        signals.connect()
