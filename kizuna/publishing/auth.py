"""Who may publish: whoever holds the organiser key the host configured, or an organiser logged in through the host's
OIDC provider. Keys are compared in constant time, and every failed attempt makes the next one wait longer."""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

KEY_ENV = "KIZUNA_ORGANISER_KEY"
KEY_SECRET = "organiser_key"  # the same in Streamlit's secrets
ORGANISERS_ENV = "KIZUNA_ORGANISERS"  # e-mail addresses, comma-separated, that may publish once logged in
FIRST_DELAY = 1.0  # seconds the attempt after one failure waits; each further failure doubles it
MAX_DELAY = 30.0
FORGET_AFTER = 15 * 60.0  # seconds without a failure after which the process forgets its failures
TURN_TIMEOUT = 2 * MAX_DELAY  # seconds an attempt waits for the one before it; then it is refused, the key unread


def organiser_key(secret: object = None) -> str | None:
    """$KIZUNA_ORGANISER_KEY, else `organiser_key` from Streamlit's secrets (`secret`); None: publishing is off."""
    key = os.environ.get(KEY_ENV, "").strip() or (secret.strip() if isinstance(secret, str) else "")
    return key or None


def key_matches(given: str, key: str) -> bool:
    """Compare digests of equal length in constant time: neither the key's length nor its first letters leak."""
    digest = hashlib.sha256(given.encode("utf-8", "surrogatepass")).digest()
    return hmac.compare_digest(digest, hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest())


def fingerprint(key: str) -> str:
    """What a browser session keeps once the key was right (never the key): a new key locks every session again."""
    return hashlib.sha256(b"kizuna organiser key\0" + key.encode("utf-8", "surrogatepass")).hexdigest()


def delay_after(failures: int) -> float:
    """Seconds an attempt waits after `failures` failed ones: 0, then 1, 2, 4, 8 … up to MAX_DELAY."""
    if failures <= 0:
        return 0.0
    return min(FIRST_DELAY * 2 ** min(failures - 1, 32), MAX_DELAY)


class Guard:
    """The failed attempts of one process (every browser session on this server), forgotten after a quiet spell.

    An attempt waits for the larger of its own session's failures and the process's, so opening new sessions does
    not get round the delay; it waits before the key is compared, so how long it took says nothing. Attempts take
    turns, the turn held across the wait and the comparison, so sessions guessing at once wait one delay after the
    other, each longer: k of them take k delays, not one. An attempt that has not had its turn in `turn_timeout`
    seconds is refused without its key being compared (it learns nothing, and counts as no failure): the key is then
    answered within `turn_timeout` + MAX_DELAY however many guesses are waiting, though an organiser's attempt may be
    refused while others are guessing, and should be made again (or through the OIDC login)."""

    def __init__(
        self,
        forget_after: float = FORGET_AFTER,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = time.sleep,
        turn_timeout: float = TURN_TIMEOUT,
    ) -> None:
        self.forget_after, self.clock, self.sleep, self.turn_timeout = forget_after, clock, sleep, turn_timeout
        self.lock = threading.Lock()  # the failures
        self.turn = threading.Lock()  # the one attempt waiting and comparing
        self.failed = 0
        self.last = 0.0

    def failures(self) -> int:
        with self.lock:
            if self.failed and self.clock() - self.last > self.forget_after:
                self.failed = 0
            return self.failed

    def delay(self, session_failures: int) -> float:
        return delay_after(max(session_failures, self.failures()))

    def attempt(self, given: str, key: str, session_failures: int) -> bool:
        """In its turn, wait as the failures so far ask, then compare; a failure is counted for the process."""
        if not self.turn.acquire(timeout=self.turn_timeout):
            return False
        try:
            return self.wait_and_compare(given, key, session_failures)
        finally:
            self.turn.release()

    def wait_and_compare(self, given: str, key: str, session_failures: int) -> bool:
        wait = self.delay(session_failures)
        if wait:
            self.sleep(wait)
        if key_matches(given, key):
            return True
        with self.lock:
            self.failed, self.last = self.failed + 1, self.clock()
        return False

    def forget(self) -> None:
        with self.lock:
            self.failed = 0


GUARD = Guard()


def organiser_emails() -> frozenset[str]:
    """$KIZUNA_ORGANISERS: the addresses that may publish once logged in, compared without case."""
    return frozenset(part.strip().lower() for part in os.environ.get(ORGANISERS_ENV, "").split(",") if part.strip())


def logged_in_organiser(user: Mapping[str, Any]) -> bool:
    """A user the host's OIDC login vouches for (`st.user`), whose verified address is one of the organisers'."""
    email = user.get("email")
    if user.get("is_logged_in") is not True or not isinstance(email, str):
        return False
    return user.get("email_verified") is not False and email.strip().lower() in organiser_emails()
