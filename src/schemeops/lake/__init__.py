"""The lake: a warehouse's tables as plain Parquet files in a folder, which DuckDB and Spark
(local or on a cluster) read in place. `lake_tables` says where its tables are;
`schemeops.lake.write.export_lake` writes one. See docs/lake.md."""

from schemeops.lake.read import LakeTable, lake_tables

__all__ = ["LakeTable", "lake_tables"]
