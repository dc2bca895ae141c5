"""``GET /api/statutes/{law}/{article}`` through the real app (no lifespan needed): numbers no statute has."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


@pytest.mark.parametrize("article", ["0", "第0条", "第零条", "1" * 20, "9" * 400, "82之" + "9" * 25, "100000"])
def test_an_article_number_no_statute_can_have_is_a_422_not_a_500(client, article):
    response = client.get(f"/api/statutes/劳动合同法/{article}")
    assert response.status_code == 422
    assert "不是有效的条文序号" in response.json()["detail"]


def test_a_possible_number_the_law_lacks_is_still_a_404(client):
    missing = client.get("/api/statutes/劳动合同法/99999")
    assert missing.status_code == 404 and "没有第九万九千九百九十九条" in missing.json()["detail"]
