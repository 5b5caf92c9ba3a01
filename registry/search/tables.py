"""Tables the search keeps beside the records: facet values and a change counter.

``dataset_facet`` holds, for each dataset, every value it can be filtered by, with grades
rolled up to their broader concepts, so a filter is a single lookup. ``registry_state`` counts
writes, so each process knows when its in-memory facet index is stale, and ``search_change``
says which datasets each write changed, so the index can be patched rather than rebuilt.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


# One filterable value of one dataset, e.g. (42, "grade", "executive").
class DatasetFacet(SQLModel, table=True):
    __tablename__ = "dataset_facet"

    facet: str = Field(primary_key=True, max_length=20)
    value: str = Field(primary_key=True, max_length=200)
    dataset_pk: int = Field(
        primary_key=True, foreign_key="dataset.pk", index=True, ondelete="CASCADE"
    )


# Named counters; "search" goes up by one on every write that changes what search sees.
class RegistryState(SQLModel, table=True):
    __tablename__ = "registry_state"

    name: str = Field(primary_key=True, max_length=50)
    value: int = 0


# Which datasets each generation of the "search" counter changed, so that a process can patch
# its facet index for just those rather than rebuild it (registry/search/changes.py). Pruned to
# the last few generations; dataset_pk 0 marks a generation that changed no dataset (an
# organisation's name), -1 one that changed too many to list (a bulk load): rebuild.
class SearchChange(SQLModel, table=True):
    __tablename__ = "search_change"

    generation: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    dataset_pk: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
