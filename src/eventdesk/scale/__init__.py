"""More text than one core: the coder in worker processes (:mod:`.pool`) and on a Dask cluster
(:mod:`.cluster`). Both give the events one in-process :class:`~eventdesk.coding.coder.Coder`
gives, in the same order, so a store filled either way holds the same content."""
