"""Ingestion: read CSV, Parquet and Excel, validate every row, load the warehouse."""

from schemeops.ingest.load import LoadProgress, LoadReport, load
from schemeops.ingest.problems import Problem
from schemeops.ingest.validate import TableCounts

__all__ = ["LoadProgress", "LoadReport", "Problem", "TableCounts", "load"]
