"""Relations analysis over the store: dyads, triangles, balance, divergence, reciprocity,
signals and the analyst's brief.

For a notebook, the functions of :mod:`eventdesk.analysis.api` are here under short names,
each taking a :class:`~eventdesk.store.Store` or a store's path first::

    import eventdesk.analysis as ea
    ea.dyad("demo/eventdesk.duckdb", "RUS", "USA")          # a DataFrame per month
    ea.balance(store, ["USA", "RUS", "CHN", "PRK"]).to_frame()

``dyad``, ``dyads``, ``triangle``, ``balance``, ``divergence``, ``reciprocity``, ``signals``
and ``brief`` return a DataFrame or a result object with ``.to_frame()``. (These names are
functions: the modules of the same names, which work on a DuckDB connection and a relation
for the CLI and the tests, are imported as ``from eventdesk.analysis.signals import ...``.)
Every analysis reads :meth:`eventdesk.store.Store.analysis_events`; ``docs/glossary.md``
explains every column they print.
"""
# the modules first, so that the functions below (some named like them) are what the names
# of this package refer to
from . import common, divergence, dyads, output, reciprocity, signals, triangle  # noqa: F401
from . import brief  # noqa: F401
from .api import (balance, brief, divergence, dyad, dyads, reciprocity,  # noqa: F811
                  relation, signals, triangle)

__all__ = ["dyad", "dyads", "triangle", "balance", "divergence", "reciprocity", "signals",
           "brief", "relation"]
