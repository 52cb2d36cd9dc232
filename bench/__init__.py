"""``python -m bench``: the benchmarks of the results issue (``make bench``).

Three benchmarks, each run in its own subprocesses on a fresh database (SQLite, and PostgreSQL
when a server answers), each figure printed with its ratio to its baseline in the same run:

- ``recompute``: the full recomputation of every level and outcome from the definitive minutes
  (``kalata.results.tabulation.tabulate``) of a national presidential round and of communal
  elections in every commune, against a bare DuckDB ``GROUP BY`` over the same rows (the floor);
- ``ingest``: one entry of minutes through ``kalata.results.entry.submit_entry`` (validate,
  store, audit, make definitive), first and second entries by two clerks, entries per second;
- ``e2e``: the whole simulated presidential election, ``kalata simulate presidential``.

See ``bench/README.md``. Speed is measured here, never asserted in the test suite.
"""
