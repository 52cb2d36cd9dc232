"""Kalata commission web layer."""

from django.apps import AppConfig


class CommissionConfig(AppConfig):
    name = "kalata.commission"
    label = "commission"
    verbose_name = "Écrans des commissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Audited models (delegates' copies, CENI observations) and the event types of the
        # commission screens (scans, copies, observations), registered on import.
        from kalata.commission import services, signing

        services.register_audit()
        signing.register_audit()  # signed summary minutes (Art. 141, 149, 174, 187)
