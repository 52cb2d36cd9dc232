from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "kalata.results"
    label = "results"
    verbose_name = "Résultats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Audited models (tally sheets, acknowledgements, corrections) and the results app's own
        # audit event types, registered on import of the data-entry services.
        from kalata.results import entry, proclamation

        entry.register_audit()
        proclamation.register_audit()
        # Event types of the imports (``results.imported``).
        import kalata.formats.importer  # noqa: F401
