"""Data in and out of Kalata: the files a commission types, the files the public reads.

- ``kalata.formats.nist`` — the whole election (or one round) as a NIST SP 1500-100 v2
  Election Results Reporting JSON document (``ElectionReport``), validated against the official
  JSON schema shipped in ``kalata/formats/nist/`` (with NIST's README and licence);
- ``kalata.formats.csv_export`` — the results of a round or an election as CSV, one row per
  unit (nation, region, cercle, commune, polling station), UTF-8 with BOM for Excel;
- ``kalata.formats.importer`` — bulk import of polling-station minutes typed in CSV or Excel
  by a commission, all or nothing, with every error by row and column in French; and the
  template with the right columns for a round and a contest.

The column layouts and the NIST mapping are documented in ``docs/formats.md``.

The audit event type of an import (``results.imported``) is registered here, at import of the
package, so that any process that imports ``kalata.formats`` knows it; ``kalata audit verify``
only warns about event types it does not know.
"""

from __future__ import annotations

from kalata.audit.events import register_event_type

RESULTS_IMPORTED = register_event_type(
    "results.imported", "Procès-verbaux importés d'un fichier (CSV ou Excel)"
)

__all__ = ["RESULTS_IMPORTED"]
