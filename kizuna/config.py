"""Settings read from the environment, so a hosted copy is configured without code changes."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from kizuna.i18n import organisers

_ = organisers.gettext
BASE_URL_ENV = "KIZUNA_BASE_URL"
STATIC_DIR_ENV = "KIZUNA_STATIC_DIR"
PACKAGE = Path(__file__).resolve().parent


def checkout() -> Path | None:
    """The source tree the package runs from, or None when it is installed (`pip install .`)."""
    root = PACKAGE.parent
    return root if (root / "pyproject.toml").is_file() and (root / "data").is_dir() else None


def data_home() -> Path:
    """Where an installed copy keeps what it writes: $XDG_DATA_HOME/kizuna, else ~/.local/share/kizuna."""
    return Path(os.environ.get("XDG_DATA_HOME", "").strip() or Path.home() / ".local" / "share") / "kizuna"


HOME = checkout()
# The built-in programs: data/ of the checkout, shipped inside the package as kizuna/data when installed.
PROGRAMS = (HOME or PACKAGE) / "data"  # the programs directory unless $KIZUNA_PROGRAMS names another
BUILT_IN_PROGRAM = PROGRAMS / "2019"  # the template's example, and the program of a copy without settings
# The store unless $KIZUNA_DATABASE_URL names another: var/ of a checkout, else a folder of the user's, never the
# install (which may belong to root).
DEFAULT_DATABASE = (HOME / "var" if HOME else data_home()) / "kizuna.sqlite3"


def configured_base_url() -> str | None:
    """$KIZUNA_BASE_URL as set: the command line checks it and says what is wrong."""
    return os.environ.get(BASE_URL_ENV, "").strip() or None


def base_url() -> str | None:
    """The public address of the hosted dashboard, used in calendar URLs and share links; None when it is unset or
    unfit for links (the log says why, once)."""
    return usable_address(configured_base_url())


@lru_cache(maxsize=4)
def usable_address(address: str | None) -> str | None:
    try:
        if address:
            check_web_address(address)
    except ValueError as error:
        logging.getLogger(__name__).warning("$%s is not used: %s", BASE_URL_ENV, error)
        return None
    return address


def check_web_address(address: str) -> None:
    """Raise ValueError unless `address` can stand in links, calendars and QR codes: http(s), a host, and no user
    name or password (which every link would show; the message does not repeat them)."""
    parts = urlsplit(address)
    if "@" in parts.netloc:
        raise ValueError(_("the address carries a user name or password, which every link and QR code would show"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(_("{address} is not a web address (http:// or https://)").format(address=repr(address)))
    if any(character.isspace() or not character.isprintable() for character in address):
        raise ValueError(
            _("{address} holds spaces or control characters; percent-encode them").format(address=repr(address))
        )
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number up to 65535)
    except ValueError:
        raise ValueError(
            _("{address} has a port that is not a number from 1 to 65535").format(address=repr(address))
        ) from None


def static_dir(default: Path) -> Path:
    """The folder served at /app/static/ (feeds in its feeds/): settable, so the code folder may be read-only."""
    return Path(os.environ.get(STATIC_DIR_ENV, "").strip() or default)


BASEMAP_ENV = "KIZUNA_BASEMAP"  # "none" leaves the bundled land and sea out (a bare map, as the bench compares)
MAP_STYLE_ENV = "KIZUNA_MAP_STYLE"  # a MapLibre style URL: tiles under the map, off by default
MAP_KEY_ENV = "KIZUNA_MAP_KEY"  # the deployment's own key for that provider (CARTO), if it needs one
MAP_ATTRIBUTION_ENV = "KIZUNA_MAP_ATTRIBUTION"  # the provider's credit line, shown under the map


@dataclass(frozen=True)
class TileStyle:
    url: str
    key: str | None
    attribution: str


def tile_style(key: str | None = None) -> TileStyle | None:
    """The optional tile basemap; None (the default) draws only the bundled one. `key` may come from secrets."""
    url = os.environ.get(MAP_STYLE_ENV, "").strip()
    if not url:
        return None
    credit = os.environ.get(MAP_ATTRIBUTION_ENV, "").strip() or _("Map tiles: {provider}").format(
        provider=urlsplit(url).netloc or url
    )
    return TileStyle(url, os.environ.get(MAP_KEY_ENV, "").strip() or key or None, credit)


def bundled_basemap() -> bool:
    """Whether the map draws its own land and sea (the default)."""
    return os.environ.get(BASEMAP_ENV, "").strip().lower() != "none"


DATABASE_URL_ENV = "KIZUNA_DATABASE_URL"  # where published programs are kept; may hold a password


def database_url(default: Path) -> str:
    """$KIZUNA_DATABASE_URL, else SQLite in the file `default`. Never log or print it as is: use `shown_url`."""
    return os.environ.get(DATABASE_URL_ENV, "").strip() or f"sqlite:///{default}"


def shown_url(url: str) -> str:
    """A database URL fit for a log line or a message: its password masked; an unreadable one is not echoed."""
    from sqlalchemy.engine import make_url  # only where a database is used
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return _("(a database URL that cannot be read)")


def without_password(message: str, url: str) -> str:
    """A driver's error message with the URL's password replaced, should the driver have repeated it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        password = make_url(url).password
    except ArgumentError:
        return message.replace(url, _("(the database URL)"))
    return message.replace(str(password), "***") if password else message


CHANGE_DAYS_ENV = "KIZUNA_CHANGE_DAYS"  # how many days a published change stays marked for visitors
CHANGE_DAYS = 7


def change_days() -> int:
    """$KIZUNA_CHANGE_DAYS: the days after a publish during which its changes are marked (0: never); 7 when unset or
    not a whole number from 0 (the log says so)."""
    return days_from(os.environ.get(CHANGE_DAYS_ENV, "").strip())


@lru_cache(maxsize=4)
def days_from(value: str) -> int:
    if not value:
        return CHANGE_DAYS
    if value.isascii() and value.isdigit() and len(value) <= 5:
        return int(value)
    logging.getLogger(__name__).warning("$%s is not a whole number of days; %d is used", CHANGE_DAYS_ENV, CHANGE_DAYS)
    return CHANGE_DAYS
