"""The Organisers page through AppTest: upload, problems and report, preview, the key, publish and withdraw."""

from __future__ import annotations

import gettext
from datetime import datetime
from pathlib import Path

import hostile
import pytest
from openpyxl import load_workbook
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from kizuna import i18n
from kizuna.checks import sandbox
from kizuna.checks.loading import load_program
from kizuna.cli import main as kizuna
from kizuna.i18n import speaking
from kizuna.program.text import plain
from kizuna.publishing import auth, published
from kizuna_app.organisers import ENABLE_PUBLISHING

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "kizuna_app/organisers_page.py"
KEY = "a-long-organiser-key-for-the-tests"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRAM = load_program(ROOT / "data" / "2019")
SETTINGS = (
    "KIZUNA_PROGRAM",
    "KIZUNA_PROGRAMS",
    "KIZUNA_DEFAULT_PROGRAM",
    "KIZUNA_BASE_URL",
    "KIZUNA_MAP_STYLE",
    auth.KEY_ENV,
    auth.ORGANISERS_ENV,
    "KIZUNA_DATABASE_URL",
)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2019 program as organisers get it: `kizuna template --example`."""
    path = tmp_path_factory.mktemp("workbook") / "seminar-2019.xlsx"
    assert kizuna(["template", "--example", "-o", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def broken(workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same workbook with an hour that does not exist, an unknown venue and a sheet of notes."""
    book = load_workbook(workbook)
    sessions = book["sessions"]
    header = [cell.value for cell in sessions[1]]
    sessions.cell(3, header.index("start") + 1, "25:00")
    sessions.cell(4, header.index("venue") + 1, "nowhere")
    book.create_sheet("notes")
    path = tmp_path_factory.mktemp("broken") / "seminar-2019.xlsx"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def edited(workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2019 workbook as an organiser edits it in the seminar week: the Karato Market visit moved from 20 to 19
    December at 10:00, the lighthouse visit cancelled, nothing else touched."""
    book = load_workbook(workbook)
    sessions = book["sessions"]
    header = [cell.value for cell in sessions[1]]
    for row in sessions.iter_rows(min_row=2):
        if row[0].value == "visit-karato-market":
            row[header.index("date")].value = datetime(2019, 12, 19)
            row[header.index("start")].value = "10:00"
        if row[0].value == "visit-tsunoshima-lighthouse":
            row[header.index("status")].value = "cancelled"
    path = tmp_path_factory.mktemp("edited") / "seminar-2019.xlsx"
    book.save(path)
    return path


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[float]:
    """No key, no login, a database of the test's own; the waits the key's guard asked for, recorded, not slept."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIZUNA_DATABASE_URL", f"sqlite:///{tmp_path / 'kizuna.sqlite3'}")
    monkeypatch.setattr(published, "DEFAULT_DATABASE", tmp_path / "no-default-database.sqlite3")
    waits: list[float] = []
    monkeypatch.setattr(auth.GUARD, "sleep", waits.append)
    auth.GUARD.forget()
    return waits


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The bytes each download button of a run hands the browser, by file name."""
    files: dict[str, bytes] = {}
    load = MemoryMediaFileStorage.load_and_get_id

    def recorded(self, data, mimetype, kind, filename=None) -> str:
        files[filename] = data.encode() if isinstance(data, str) else data
        return load(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recorded)
    return files


def organisers(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    """The Organisers page, reached as a visitor does: the dashboard first, then its link."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(secrets or {})
    if user is not None:
        at.user = user
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, *files: Path | tuple[str, bytes]) -> AppTest:
    """One pick of files, as the browser's file dialog sends them together."""
    chosen = [(f.name, f.read_bytes(), XLSX) if isinstance(f, Path) else (*f, "text/csv") for f in files]
    (uploader,) = at.file_uploader
    uploader.set_value(chosen).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def problems(at: AppTest) -> list[dict[str, str]]:
    """The problems table's rows, each cell as the page hands it to Markdown (escaped: shown as plain text)."""
    (table,) = at.table
    return table.value.to_dict("records")


def shown(row: dict[str, str]) -> dict[str, str]:
    """A problem row as the table holds it: every cell escaped, so it reads as the same characters."""
    return {name: plain(text) for name, text in row.items()}


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, [b.label for b in at.button]
    return found[0]


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def texts(at: AppTest) -> list[str]:
    """Everything the page says, as text."""
    kinds = ("markdown", "caption", "code", "success", "info", "warning", "error", "title", "header", "text")
    return [str(element.value) for kind in kinds for element in at.get(kind)]


def unlock(at: AppTest, key: str) -> AppTest:
    at.text_input(key="organiser-key").input(key)
    button(at, "Unlock publishing").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def publish(at: AppTest, note: str = "") -> AppTest:
    if note:
        at.text_input(key=next(t.key for t in at.text_input if t.label == "Note (optional)")).input(note)
    button(at, f"Publish {PROGRAM.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def codes(at: AppTest) -> list[str]:
    return [code.value for code in at.code]


# The page and the navigation


def test_the_dashboard_links_to_the_organisers_page_and_keeps_its_own_address() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert [link.proto.page for link in at.sidebar.get("page_link")] == ["organisers"]
    assert at.title[0].value == PROGRAM.title
    at.switch_page(PAGE).run()
    assert at.title[0].value == "Organisers"
    assert not at.query_params


def test_a_dashboard_with_no_program_yet_still_links_to_the_organisers_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "programs").mkdir()
    monkeypatch.setenv("KIZUNA_PROGRAMS", str(tmp_path / "programs"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "There is no program in" in at.error[0].value
    assert [link.proto.page for link in at.sidebar.get("page_link")] == ["organisers"]


def test_the_dashboard_comes_back_whole_after_the_organisers_page(workbook: Path) -> None:
    """Streamlit drops a widget's state after a run that did not draw it: the dashboard restores its view again."""
    at = organisers()
    upload(at, workbook)
    home = next(h for h, page in at._registered_pages.items() if page.get("url_pathname") == "")
    at._page_hash = home  # AppTest switches only to pages that are files; the dashboard is a function
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == PROGRAM.title
    assert at.multiselect(key="themes").value == []
    assert not at.query_params


# Checking


def test_a_valid_workbook_is_previewed_with_its_title_and_every_session(workbook: Path) -> None:
    at = upload(organisers(), workbook)
    assert [s.value for s in at.success] == [
        r"seminar\-2019\.xlsx is valid\: Local Government Exchange and Cooperation Seminar 2019, 19 sessions\."
    ]
    assert PROGRAM.title in [t.value for t in at.title]
    agenda = [b.key.removeprefix("preview-agenda-") for b in at.button if (b.key or "").startswith("preview-agenda-")]
    assert agenda == [s.id for s in PROGRAM.sessions]
    assert at.get("deck_gl_json_chart")
    assert at.get("vega_lite_chart")
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == [
        "Download this view (.ics)",
        "A4, the desk copy",
        "A6, a pocket booklet",
        "Download the whole program (.ics)",
    ]
    assert not at.table  # no problems table


def test_the_preview_keeps_its_own_filters_card_and_address(workbook: Path) -> None:
    at = upload(organisers(), workbook)
    at.multiselect(key="preview-cities").set_value(["shimonoseki"]).run()
    at.button(key="preview-agenda-visit-karato-market").click().run()
    assert not at.exception
    assert not at.query_params  # the preview never writes the address bar
    assert at.session_state["preview-open_session"] == "visit-karato-market"
    assert at.session_state["open_session"] is None  # the dashboard's own card, from the visit before, stays closed
    share = [c for c in at.sidebar.code if "?program=" in c.value]
    expected = "http://localhost:8501/?program=clair-seminar-2019&city=shimonoseki&session=visit-karato-market"
    assert [c.value for c in share] == [expected]


def test_an_invalid_workbook_shows_its_problems_at_their_cells_and_the_report(
    broken: Path, capsys: pytest.CaptureFixture, served: dict[str, bytes]
) -> None:
    at = upload(organisers(), broken)
    assert problems(at) == [
        shown(
            {
                "file or sheet": "seminar-2019.xlsx › sessions",
                "cell or row": "C3",
                "column": "start",
                "problem": "'25:00' is not a time (HH:MM, 24-hour)",
            }
        ),
        shown(
            {
                "file or sheet": "seminar-2019.xlsx › sessions",
                "cell or row": "G4",
                "column": "venue",
                "problem": "unknown venue 'nowhere'; known: " + ", ".join(sorted(PROGRAM.venues)),
            }
        ),
    ]
    assert [b.proto.label for b in at.get("download_button")] == ["Download the report (.txt)"]
    assert kizuna(["validate", str(broken)]) == 1
    assert served["seminar-2019-problems.txt"] == capsys.readouterr().out.encode()
    assert [i.value for i in at.info if "notes" in i.value] == [
        r"seminar\-2019\.xlsx\: sheet \'notes\' is not part of a program; ignored"
    ]
    assert PROGRAM.title not in [t.value for t in at.title]  # no preview
    assert f"Publish {PROGRAM.id}" not in labels(at)


def test_a_hostile_upload_is_one_clear_problem(tmp_path: Path) -> None:
    bomb = tmp_path / "program.xlsx"
    bomb.write_bytes(b"<html><script>alert(1)</script></html>")
    at = upload(organisers(), bomb)
    assert problems(at) == [
        shown(
            {
                "file or sheet": "program.xlsx",
                "cell or row": "",
                "column": "",
                "problem": "is not an Excel workbook (.xlsx) (it cannot be opened as one)",
            }
        )
    ]


def test_a_corrected_workbook_uploaded_after_the_broken_one_replaces_it(workbook: Path, broken: Path) -> None:
    """The bug: the broken workbook stayed in the widget beside the corrected one, and '2 files is not valid'."""
    at = upload(organisers(), broken)
    assert at.error[0].value.startswith(r"seminar\-2019\.xlsx is not valid \(2 problems\)")
    assert at.file_uploader[0].value == []  # emptied for the next pick: the result stays below it
    upload(at, workbook)
    assert [s.value for s in at.success] == [
        r"seminar\-2019\.xlsx is valid\: Local Government Exchange and Cooperation Seminar 2019, 19 sessions\."
    ]
    assert not at.error
    assert not at.table
    assert PROGRAM.title in [t.value for t in at.title]  # the preview
    assert at.file_uploader[0].value == []


def test_the_csv_files_chosen_together_replace_a_workbook(broken: Path) -> None:
    tables = [(path.name, path.read_bytes()) for path in sorted((ROOT / "data" / "2019").glob("*.csv"))]
    at = upload(upload(organisers(), broken), *tables)
    assert [s.value for s in at.success] == [
        r"6 CSV files is valid\: Local Government Exchange and Cooperation Seminar 2019, 19 sessions\."
    ]
    assert not at.table


def test_the_upload_widget_offers_only_the_types_that_can_be_read() -> None:
    (uploader,) = organisers().file_uploader
    assert sorted(uploader.allowed_type) == [".csv", ".xlsx", ".zip"]


def test_a_problem_quoting_markdown_is_shown_as_typed_in_a_table_that_wraps(workbook: Path, tmp_path: Path) -> None:
    """A problem quotes the organiser's cell: st.table wraps it (st.dataframe cut it), escaped to show as typed."""
    book = load_workbook(workbook)
    sessions = book["sessions"]
    typed = "**[9.30](http://example.org)** <b>am</b> :smile: -> " + "later " * 40
    sessions.cell(3, [cell.value for cell in sessions[1]].index("start") + 1, typed)
    path = tmp_path / "seminar-2019.xlsx"
    book.save(path)
    (row,) = problems(upload(organisers(), path))
    assert row["problem"] == plain(f"{typed.strip()!r} is not a time (HH:MM, 24-hour)")


def test_csv_files_upload_together_and_a_stranger_is_refused() -> None:
    folder = ROOT / "data" / "2019"
    tables = [(path.name, path.read_bytes()) for path in sorted(folder.glob("*.csv"))]
    at = upload(organisers(), *tables)
    assert at.success[0].value.startswith("6 CSV files is valid")
    upload(at, *tables, ("../secrets.csv", b"x"))
    assert [row["file or sheet"] for row in problems(at)] == [plain("secrets.csv")]


# Who may publish


def test_without_a_key_the_page_checks_and_previews_and_says_how_to_publish(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIZUNA_DATABASE_URL")
    at = upload(organisers(), workbook)
    assert PROGRAM.title in [t.value for t in at.title]
    assert not [label for label in labels(at) if label.startswith(("Publish", "Unlock"))]
    assert not at.text_input
    (info,) = [i.value for i in at.info if "Publishing is off" in i.value]
    assert "KIZUNA_ORGANISER_KEY" in info
    assert "organiser_key" in info
    assert "Published programs" not in [h.value for h in at.header]  # no database is opened to check a file


def test_a_wrong_key_is_refused_and_the_second_waits_longer(
    workbook: Path, monkeypatch: pytest.MonkeyPatch, settings: list[float]
) -> None:
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    at = unlock(upload(organisers(), workbook), "not-the-key")
    assert [e.value for e in at.error] == [
        "Refused: that is not the organiser key. Each wrong key makes the next attempt wait longer."
    ]
    assert settings == []  # the first attempt: answered at once
    unlock(at, "still-not-the-key")
    assert settings == [auth.delay_after(1)]  # the second waited first; a third waits auth.delay_after(2)
    assert auth.delay_after(2) > auth.delay_after(1) > 0
    assert f"Publish {PROGRAM.id}" not in labels(at)
    assert at.text_input(key="organiser-key").value == ""  # cleared after use


def test_the_right_key_publishes_and_shows_the_share_link(
    workbook: Path, monkeypatch: pytest.MonkeyPatch, settings: list[float]
) -> None:
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    at = upload(organisers(), workbook)
    unlock(at, KEY)
    assert not at.error
    publish(at, note="First programme <b>online</b>")
    assert [s.value for s in at.success][-1] == (
        r"Published\: Local Government Exchange and Cooperation Seminar 2019, version 1\."
    )
    assert "http://localhost:8501/?program=clair-seminar-2019" in codes(at)
    assert "http://localhost:8501/app/static/feeds/kizuna-2019.ics" in codes(at)
    (versions,) = at.dataframe
    (row,) = versions.value.to_dict("records")
    assert (row["version"], row["note"], row["state"], row["sessions"]) == (
        1,
        "First programme <b>online</b>",
        "live",
        19,
    )
    assert KEY not in " ".join(texts(at))
    assert all(KEY not in str(value) for value in at.query_params.values())
    assert settings == []


def test_before_publishing_the_page_says_what_the_publish_changes_against_the_live_version(
    workbook: Path, edited: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    at = upload(organisers(), workbook)
    assert "What this publish changes" in [h.value for h in at.header]
    first = plain(f"This publish is the first version of {PROGRAM.id}: nothing published before to compare it with.")
    assert first in texts(at)
    publish(unlock(at, KEY), note="first")
    upload(at, edited)
    assert not at.error
    said = texts(at)
    assert plain("This publish moves 1 session, cancels 1.") in said
    assert any(text.startswith(plain("Compared with version 1, live (published 20")) for text in said)
    rows = problems(at)  # the one table: the changes, each cell escaped as the problems' are
    assert rows == [
        shown(
            {
                "change": "Moved",
                "session": "Visit to Karato Market",
                "old → new": "date: Friday 20 December 2019 → Thursday 19 December 2019; time: (none) → 10:00",
            }
        ),
        shown(
            {
                "change": "Cancelled",
                "session": "Visit to Tsunoshima Lighthouse",
                "old → new": "status: confirmed → cancelled",
            }
        ),
    ]
    labels_now = labels(at)
    assert f"Publish {PROGRAM.id}" in labels_now  # the summary comes before the button, which is still there
    publish(at, note="moved")
    assert [s.value for s in at.success][-1].endswith(r"version 2\.")
    said = texts(at.run())  # the next rerun, the publish stored
    assert plain("Version 2 compared with version 1, the one it replaced.") in said  # what was published, not "nothing"
    assert plain("This publish moves 1 session, cancels 1.") in said
    assert f"http://localhost:8501/app/static/feeds/{PROGRAM.id}/changes.atom" in codes(at)


def test_a_publish_that_removes_sessions_says_subscribers_will_see_them_cancelled(
    workbook: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    book = load_workbook(workbook)
    sessions = book["sessions"]
    (row,) = [row for row in sessions.iter_rows(min_row=2) if row[0].value == "visit-karato-market"]
    sessions.delete_rows(row[0].row)
    shorter = tmp_path / "seminar-2019.xlsx"
    book.save(shorter)
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    at = publish(unlock(upload(organisers(), workbook), KEY))
    upload(at, shorter)
    assert plain("This publish removes 1 session.") in texts(at)
    assert [w.value for w in at.warning] == [
        plain(
            "It removes 1 session: the calendar feeds keep it as cancelled, so subscribers' calendars will show it as "
            "cancelled."
        )
    ]
    assert problems(at) == [shown({"change": "Removed", "session": "Visit to Karato Market", "old → new": ""})]


def test_publishing_the_same_program_again_is_unchanged(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    at = unlock(upload(organisers(), workbook), KEY)
    publish(publish(at))
    assert [i.value for i in at.info if "Unchanged" in i.value] == [
        r"Unchanged\: version 1 already holds exactly this program; no new version\."
    ]


def test_an_organiser_withdraws_a_version(workbook: Path, broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    at = unlock(upload(organisers(), workbook), KEY)
    publish(at)
    at.button(key=f"withdraw-{PROGRAM.id}-1").click().run()
    assert not at.exception
    assert r"Withdrawn\: clair\-seminar\-2019, version 1\." in [s.value for s in at.success]
    assert "Nothing is published yet." in [c.value for c in at.caption]


def test_only_an_organiser_sees_the_withdraw_buttons(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    at = unlock(upload(organisers(), workbook), KEY)
    publish(at)
    visitor = organisers()
    assert visitor.dataframe  # the list of versions is there
    assert not [b for b in visitor.button if (b.key or "").startswith("withdraw-")]
    button(at, "Lock publishing").click().run()
    assert not [b for b in at.button if (b.key or "").startswith("withdraw-")]
    assert at.text_input(key="organiser-key")


def test_the_key_may_come_from_streamlit_secrets(workbook: Path) -> None:
    at = upload(organisers(secrets={"organiser_key": KEY}), workbook)
    unlock(at, KEY)
    assert f"Publish {PROGRAM.id}" in labels(at)


def test_without_a_login_the_key_is_the_way_in(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """st.user with an organiser's address but not logged in (or no login configured): the key path."""
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    monkeypatch.setenv(auth.ORGANISERS_ENV, "org@example.org")
    for user in ({"email": "org@example.org"}, {"is_logged_in": False, "email": "org@example.org"}):
        at = upload(organisers(user=user), workbook)
        assert f"Publish {PROGRAM.id}" not in labels(at)
        assert at.text_input(key="organiser-key")
    at = upload(organisers(user={"is_logged_in": True, "email": "org@example.org"}), workbook)
    assert f"Publish {PROGRAM.id}" not in labels(at)  # no [auth] configured: a login cannot vouch for anyone


def test_where_the_host_configures_a_login_a_listed_organiser_publishes_without_the_key(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.ORGANISERS_ENV, "org@example.org")
    login = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}}
    at = upload(organisers(secrets=login, user={"is_logged_in": True, "email": "Org@Example.org"}), workbook)
    assert f"Publish {PROGRAM.id}" in labels(at)
    stranger = upload(organisers(secrets=login, user={"is_logged_in": True, "email": "x@example.org"}), workbook)
    assert f"Publish {PROGRAM.id}" not in labels(stranger)
    assert "Log out" in labels(stranger)
    anonymous = upload(organisers(secrets=login, user={"is_logged_in": False}), workbook)
    assert "Log in as an organiser" in labels(anonymous)


def test_the_stores_own_limits_refuse_a_publish_in_the_organisers_words(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    monkeypatch.setattr("kizuna.publishing.store.MAX_SESSIONS", 5)
    at = publish(unlock(upload(organisers(), workbook), KEY))
    assert [e.value for e in at.error] == [
        r"Not published\: seminar\-2019\.xlsx\: holds 19 sessions; the limit is 5 per program"
    ]
    assert "Nothing is published yet." in [c.value for c in at.caption]


@pytest.mark.parametrize("name", hostile.CASES)
def test_an_upload_found_hostile_is_one_problem_on_the_page_and_the_page_goes_on(name: str, tmp_path: Path) -> None:
    """The first of these killed the whole dashboard; each is now read in a worker and is one row, as on the CLI."""
    at = upload(organisers(), hostile.write(name, tmp_path))
    (row,) = problems(at)
    assert plain(hostile.CASES[name][2].split(": ")[-1]) in row["problem"], row
    upload(at, ROOT / "data" / "2019" / "program.csv")
    assert not at.exception


def test_a_reader_that_dies_on_an_upload_is_one_problem_on_the_page(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What no check foresaw: the worker reading the upload is killed. The page says so; the next upload is read."""
    dying = sandbox.Pool(
        size=1,
        limits=sandbox.Limits(
            setup="import os; from kizuna.checks import sources; sources.read_tables = lambda *a, **k: os.abort()"
        ),
    )
    monkeypatch.setattr(sandbox, "POOL", dying)
    at = upload(organisers(), workbook)
    assert problems(at)[0]["problem"].startswith(
        plain("this file could not be read within the limits: the reader was stopped (SIGABRT)")
    )
    monkeypatch.setattr(sandbox, "POOL", sandbox.Pool(size=1))
    assert [s.value for s in upload(at, ROOT / "data" / "2019" / "program.csv").error]
    dying.close()


# In the reader's language: a fake Japanese catalogue wraps every string the page asks it for in ⟦…⟧.


class Wrapped(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"


@pytest.fixture
def japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        i18n, "catalogue", lambda lang, domain: Wrapped() if lang == "ja" else gettext.NullTranslations()
    )


def in_japanese(secrets: dict | None = None) -> AppTest:
    """The Organisers page reached from a link with `lang=ja`."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(secrets or {})
    at.query_params["lang"] = "ja"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# AppTest works out its widgets' values in the test's own thread, with their format_func: the test speaks the page's
# language while it works the page in it (`speaking`), as the page's own run does.


@pytest.mark.usefixtures("japanese")
def test_the_page_speaks_japanese_and_an_uploads_problems_are_said_in_it(broken: Path) -> None:
    with speaking("ja"):
        at = in_japanese()
        assert at.title[0].value == "⟦Organisers⟧"
        assert "⟦Check a program, see it exactly as visitors will, then publish it.⟧" in texts(at)
        (uploader,) = at.file_uploader
        assert uploader.label == "⟦Program: a workbook, a .zip or the CSV files⟧"
        assert "⟦Publish⟧" in [h.value for h in at.header]
        assert [i.value for i in at.info] == [f"⟦{ENABLE_PUBLISHING}⟧"]
        upload(at, broken)
        assert [e.value for e in at.error] == [
            plain(
                "⟦seminar-2019.xlsx is not valid (2 problems): fix the file and upload it again. Nothing was "
                "published.⟧"
            )
        ]
        rows = problems(at)
        assert len(rows) == 2
        assert list(rows[0]) == ["⟦file or sheet⟧", "⟦cell or row⟧", "⟦column⟧", "⟦problem⟧"]
        assert [row["⟦cell or row⟧"] for row in rows] == ["C3", "G4"]  # at their cells
        assert all(row["⟦problem⟧"].startswith("⟦") for row in rows)  # each problem in the reader's language
        assert [b.proto.label for b in at.get("download_button")] == ["⟦Download the report (.txt)⟧"]
        at.selectbox(key="language-picker").set_value("en").run()  # the same upload, read again in English
    assert [e.value for e in at.error] == [
        plain("seminar-2019.xlsx is not valid (2 problems): fix the file and upload it again. Nothing was published.")
    ]


@pytest.mark.usefixtures("japanese")
def test_an_organiser_publishes_compares_and_withdraws_in_japanese(
    workbook: Path, edited: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(auth.KEY_ENV, KEY)
    with speaking("ja"):
        at = upload(in_japanese(), workbook)
        first = f"⟦This publish is the first version of {PROGRAM.id}: nothing published before to compare it with.⟧"
        assert plain(first) in texts(at)
        at.text_input(key="organiser-key").input(KEY)
        button(at, "⟦Unlock publishing⟧").click().run()
        button(at, f"⟦Publish {PROGRAM.id}⟧").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert [s.value for s in at.success][-1] == plain(f"⟦Published: {PROGRAM.title}, version 1.⟧")
        (versions,) = at.dataframe
        (row,) = versions.value.to_dict("records")
        assert list(row) == ["⟦version⟧", "⟦published (UTC)⟧", "⟦sessions⟧", "⟦note⟧", "⟦state⟧"]
        assert row["⟦state⟧"] == "⟦live⟧"
        upload(at, edited)
        said = texts(at)
        assert any(text.startswith(plain("⟦This publish ")) for text in said)
        assert any(text.startswith(plain("⟦Compared with version 1, live (published 20")) for text in said)
        assert [row["⟦change⟧"] for row in problems(at)] == ["⟦Moved⟧", "⟦Cancelled⟧"]
        at.selectbox(key="language-picker").set_value("en").run()  # the comparison is worded again, in English
    assert plain("This publish moves 1 session, cancels 1.") in texts(at)
    assert [row["change"] for row in problems(at)] == ["Moved", "Cancelled"]
    at.selectbox(key="language-picker").set_value("ja").run()
    with speaking("ja"):
        at.button(key=f"withdraw-{PROGRAM.id}-1").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert plain(f"⟦Withdrawn: {PROGRAM.id}, version 1.⟧") in [s.value for s in at.success]
