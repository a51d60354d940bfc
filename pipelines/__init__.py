"""The pipeline: ingestion, rows in force, publication, Dagster definitions and CLI."""

from pipelines.allocator import keep_freed_pages

keep_freed_pages()  # before any module imports polars (pipelines/allocator.py)
