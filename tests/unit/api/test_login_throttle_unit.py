"""The sign-in throttle on its own, on a clock the test moves: delays per client, per username and overall."""

from __future__ import annotations

import pytest

from api.curation.login_throttle import CLIENT, USERNAME, Limit, LoginThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def fail(throttle: LoginThrottle, clock: Clock, client: str, username: str) -> None:
    """One failed sign-in, made as soon as the throttle allows it."""
    clock.now += throttle.retry_after(client, username)
    throttle.failed(client, username)


def test_a_username_is_delayed_by_doubling_waits_up_to_a_minute_never_locked(clock):
    throttle = LoginThrottle(clock=clock)
    for attempt in range(USERNAME.free):
        assert throttle.retry_after(f"10.0.0.{attempt}", "admin") == 0
        throttle.failed(f"10.0.0.{attempt}", "admin")
    waits = []
    for attempt in range(USERNAME.free, 40):  # strangers keep guessing, each from a new address
        waits.append(throttle.retry_after("192.168.1.9", "admin"))
        fail(throttle, clock, f"10.0.0.{attempt}", "admin")
    assert waits[:7] == [1, 2, 4, 8, 16, 32, 60]
    assert max(waits) == USERNAME.longest  # the owner waits a minute at most, whatever strangers do
    assert throttle.retry_after("192.168.1.9", "someone-else") == 0


def test_one_client_trying_many_names_is_delayed_and_others_are_not(clock):
    throttle = LoginThrottle(clock=clock)
    for number in range(CLIENT.free):
        throttle.failed("10.0.0.1", f"name-{number}")
    assert throttle.retry_after("10.0.0.1", "a-new-name") == 1
    assert throttle.retry_after("10.0.0.2", "a-new-name") == 0
    clock.now += 1
    assert throttle.retry_after("10.0.0.1", "a-new-name") == 0


def test_many_clients_trying_many_names_are_delayed_overall(clock):
    throttle = LoginThrottle(overall=Limit(free=20, longest=10), clock=clock)
    for number in range(20):
        throttle.failed(f"10.0.1.{number}", f"name-{number}")
    assert throttle.retry_after("10.0.2.1", "fresh-name") == 1
    for number in range(20, 30):
        fail(throttle, clock, f"10.0.1.{number}", f"name-{number}")
    assert throttle.retry_after("10.0.2.1", "fresh-name") == 10


def test_failures_are_forgotten_after_the_window_and_success_clears_client_and_username(clock):
    throttle = LoginThrottle(overall=Limit(free=6, longest=10), clock=clock)
    for _ in range(USERNAME.free + 1):
        fail(throttle, clock, "10.0.0.1", "editor")
    assert throttle.retry_after("10.0.0.1", "editor") > 0
    throttle.succeeded("10.0.0.1", "editor")
    assert throttle.retry_after("10.0.0.1", "editor") > 0  # all sign-ins together still count the failures
    clock.now += 15 * 60
    assert throttle.retry_after("10.0.0.1", "editor") == 0
    throttle.failed("10.0.0.3", "other")
    assert throttle.retry_after("10.0.0.3", "other") == 0
