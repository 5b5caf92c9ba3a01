"""What ``create_app`` does to the process while the app serves."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from registry.app import create_app
from registry.config import Settings


def test_the_app_sets_the_young_collection_threshold_while_it_serves(settings: Settings):
    before = gc.get_threshold()
    with TestClient(create_app(settings.model_copy(update={"gc_threshold": 12_345}))):
        assert gc.get_threshold() == (12_345, *before[1:])
    assert gc.get_threshold() == before
    with TestClient(create_app(settings.model_copy(update={"gc_threshold": 0}))):
        assert gc.get_threshold() == before
