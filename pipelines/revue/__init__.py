"""The mid-term review pack: a frozen, printable, annotated copy of the publication.

No Dagster here: `pipelines/defs/revue/` and the command line call `pack.freeze_review`.
"""
