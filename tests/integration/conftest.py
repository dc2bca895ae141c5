"""Fixtures shared by the WeChat callback test modules (plain helpers are in wechat_callbacks.py)."""

from __future__ import annotations

import pytest

from tests.integration.wechat_callbacks import fake_wechat_api, serve


@pytest.fixture(scope="module")
def weixin():
    """The stand-in for api.weixin.qq.com (token and customer-service API) on loopback: (app, base URL)."""
    app = fake_wechat_api()
    with serve(app) as url:
        yield app, url
