"""Relations analysis over the store: dyads, triangles, balance, divergence, reciprocity, signals
and the analyst's brief. Every analysis reads :meth:`eventdesk.store.Store.analysis_events`."""
