"""The audit log: an append-only, hash-chained record of every write in Kalata.

Public API (import from ``kalata.audit.services``): ``record``, ``record_many``, ``snapshot``,
``ref``, ``head``, ``verify``, ``Canonical``; event types in ``kalata.audit.events``; audited
models in ``kalata.audit.registry``. See docs/audit.md for the design.
"""
