"""``kalata simulate``: a realistic national election run from empty to final results.

- ``scenario``: the simulated electorate, candidacies, ballots and faults (pure, seeded);
- ``runner``: ``Simulation(SimulationOptions(...)).run()`` drives Kalata's real services
  (elections, accounts, double entry, centralisation, proclamations, the Court) and returns the
  report;
- ``report``: the report as a JSON-ready dict and its French text.
"""

from __future__ import annotations

from kalata.simulation.runner import Simulation, SimulationOptions


def simulate(options: SimulationOptions) -> dict:
    """Run the simulation described by ``options``; return its report (see ``report``)."""
    return Simulation(options).run()


__all__ = ["Simulation", "SimulationOptions", "simulate"]
