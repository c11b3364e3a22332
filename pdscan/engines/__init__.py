"""Scan engines. ``local`` (pdscan.scan) runs tables on threads of this process; ``dask`` runs partitions of the
same sources on a Dask cluster. Both use the same unit of work (:func:`pdscan.scan.table_stats`) and the same
associative merge, so they give the same findings for the same rows."""
