"""Curation: people's changes to dataset records, which win over any harvest.

``overlay`` applies what people set to a record on its way into storage (every write, harvested
or curated, passes through it in :func:`registry.store.upsert_datasets`); ``edits`` holds the
write functions the API, the CLI and the pages share.
"""
