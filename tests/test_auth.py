"""Who may publish: the organiser key (constant-time, growing delays) and organisers logged in through OIDC."""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from kizuna.publishing import auth
from kizuna.publishing.auth import FORGET_AFTER, MAX_DELAY, Guard, delay_after, fingerprint, key_matches, organiser_key

KEY = "correct horse battery staple"


@pytest.fixture(autouse=True)
def no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(auth.KEY_ENV, raising=False)
    monkeypatch.delenv(auth.ORGANISERS_ENV, raising=False)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guard() -> tuple[Guard, list[float], Clock]:
    waits: list[float] = []
    clock = Clock()
    return Guard(clock=clock, sleep=waits.append), waits, clock


def test_the_key_comes_from_the_environment_before_the_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    assert organiser_key(None) is None
    assert organiser_key("  ") is None
    assert organiser_key(" from-secrets ") == "from-secrets"
    assert organiser_key(12345) is None  # a number in secrets.toml is not a key
    monkeypatch.setenv(auth.KEY_ENV, "from-env")
    assert organiser_key("from-secrets") == "from-env"


@pytest.mark.parametrize("given", ["", "correct", KEY + " ", KEY.upper(), KEY + KEY, "x" * 10_000])
def test_only_the_exact_key_matches(given: str) -> None:
    assert key_matches(KEY, KEY)
    assert not key_matches(given, KEY)


def test_a_key_with_characters_no_encoding_can_write_is_refused_not_raised() -> None:
    assert not key_matches("\udcff", KEY)


def test_the_delay_doubles_after_each_failure_up_to_its_cap() -> None:
    delays = [delay_after(failures) for failures in range(12)]
    assert delays[:5] == [0.0, 1.0, 2.0, 4.0, 8.0]
    growing = delays[: delays.index(MAX_DELAY) + 1]
    assert all(later > earlier for earlier, later in itertools.pairwise(growing))
    assert max(delays) == MAX_DELAY == delays[-1]
    assert delay_after(10**9) == MAX_DELAY


def test_a_second_wrong_key_waits_longer_than_the_first() -> None:
    checking, waits, _ = guard()
    assert not checking.attempt("wrong", KEY, session_failures=0)
    assert waits == []  # the first attempt is answered at once
    assert not checking.attempt("wrong again", KEY, session_failures=1)
    assert waits == [1.0]
    assert not checking.attempt("still wrong", KEY, session_failures=2)
    assert waits == [1.0, 2.0]


def test_the_right_key_after_failures_waits_too_so_the_time_tells_nothing() -> None:
    checking, waits, _ = guard()
    checking.attempt("wrong", KEY, 0)
    checking.attempt("wrong", KEY, 1)
    assert checking.attempt(KEY, KEY, 2)
    assert waits == [1.0, 2.0]


def test_a_new_browser_session_waits_as_long_as_the_process_failures_ask() -> None:
    checking, waits, _ = guard()
    for failures in range(3):
        checking.attempt("wrong", KEY, failures)
    assert checking.attempt("wrong", KEY, session_failures=0) is False  # a fresh session: no way round the delay
    assert waits[-1] == delay_after(3)


def test_the_process_forgets_its_failures_after_a_quiet_spell() -> None:
    checking, _, clock = guard()
    checking.attempt("wrong", KEY, 0)
    clock.now += FORGET_AFTER - 1
    assert checking.delay(0) == 1.0
    clock.now += 2
    assert checking.delay(0) == 0.0
    assert checking.delay(3) == delay_after(3)  # the session's own failures still count


def test_parallel_guesses_take_successive_growing_delays_not_one_shared_wait() -> None:
    """Regression: sessions guessing at once each waited the same delay, so N sessions had N guesses per wait."""
    waits: list[float] = []

    def sleep(wait: float) -> None:
        waits.append(wait)
        time.sleep(0)  # no time passes: the other sessions' threads may run, as they would in a real wait

    checking = Guard(clock=Clock(), sleep=sleep)
    checking.attempt("wrong", KEY, 0)
    checking.attempt("wrong", KEY, 1)
    together = threading.Barrier(4)

    def guess(turn: int) -> bool:
        together.wait()
        return checking.attempt(f"wrong {turn}", KEY, session_failures=0)

    with ThreadPoolExecutor(4) as sessions:
        assert not any(sessions.map(guess, range(4)))
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]  # one after the other, each its own delay after the last failure
    assert checking.failures() == 6


def test_a_guess_made_while_another_waits_is_not_compared_beside_it() -> None:
    """The turn is held across the wait and the comparison; one not had in `turn_timeout` is refused uncompared,
    so a session that cannot get its turn learns nothing and no attempt waits for ever."""
    sleeping, release = threading.Event(), threading.Event()
    waits: list[float] = []

    def sleep(wait: float) -> None:
        waits.append(wait)
        sleeping.set()
        release.wait(timeout=10)  # a guard only: the test releases it

    checking = Guard(clock=Clock(), sleep=sleep, turn_timeout=0)
    checking.attempt("wrong", KEY, 0)
    with ThreadPoolExecutor(1) as other_session:
        waiting = other_session.submit(checking.attempt, "wrong", KEY, 0)
        assert sleeping.wait(timeout=10)
        assert checking.attempt(KEY, KEY, 0) is False  # even the right key: it was never compared
        release.set()
        assert waiting.result() is False
    assert waits == [1.0]
    assert checking.failures() == 2  # the uncompared attempt is not a failure
    assert checking.attempt(KEY, KEY, 0)  # once the turn is free, the right key opens


def test_a_fingerprint_changes_with_the_key_and_does_not_hold_it() -> None:
    assert fingerprint(KEY) == fingerprint(KEY)
    assert fingerprint(KEY) != fingerprint(KEY + "!")
    assert KEY not in fingerprint(KEY)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ({"email": "org@example.org"}, False),  # what st.user holds when no login is configured
        ({"is_logged_in": False}, False),
        ({"is_logged_in": True, "email": "someone@example.org"}, False),
        ({"is_logged_in": True, "email": "Org@Example.org"}, True),
        ({"is_logged_in": True, "email": "org@example.org", "email_verified": False}, False),
        ({"is_logged_in": True, "email": "org@example.org", "email_verified": True}, True),
        ({"is_logged_in": "true", "email": "org@example.org"}, False),
        ({"is_logged_in": True}, False),
    ],
)
def test_a_logged_in_organiser_is_one_of_the_listed_addresses(
    monkeypatch: pytest.MonkeyPatch, user: dict, allowed: bool
) -> None:
    monkeypatch.setenv(auth.ORGANISERS_ENV, " org@example.org , other@example.org,")
    assert auth.logged_in_organiser(user) is allowed


def test_without_a_list_of_organisers_no_login_may_publish() -> None:
    assert not auth.logged_in_organiser({"is_logged_in": True, "email": "org@example.org"})
