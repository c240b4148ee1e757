"""A rendered API page is freed by reference counting, not left to a full GC (issue 7)."""

from __future__ import annotations

import gc


def test_rendered_api_page_keeps_its_bytes_and_drops_its_data(world, token_client):
    response = token_client(world["org_a"]).get("/api/v1/cases/")
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 2  # the body was rendered and sent
    assert response.data is None
    assert response.renderer_context is None


def test_no_reference_cycle_keeps_the_page_structure_alive(world, token_client):
    client = token_client(world["org_a"])
    client.get("/api/v1/cases/")  # warm-up: first-request caches are not garbage
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        response = client.get("/api/v1/cases/")
        assert response.status_code == 200
        del response
        gc.collect()
        pages = [o for o in gc.garbage if type(o) is dict and "results" in o]
        cases = [o for o in gc.garbage if type(o) is dict and "days_detained" in o]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert pages == []
    assert cases == []
