"""The `kizuna` command in the reader's language: --lang, $KIZUNA_LANG, never the system's locale; its messages, its
help and argparse's own words through the organisers' catalogue, and what it writes made in that language.

A fake catalogue stands in for the shipped ones: Japanese wraps every string it is asked for in ⟦…⟧, so a test sees
which strings went through the catalogue, whatever the translations say."""

from __future__ import annotations

import argparse
import gettext
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from directories import edited_copy

from kizuna import cli, i18n
from kizuna.i18n import language
from kizuna.publishing import published
from kizuna.publishing.programs import PROGRAMS_ENV

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "good" / "minimal"


class Wrapped(gettext.NullTranslations):
    """Japanese as a test reads it: each message marked, its placeholders kept."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"


@pytest.fixture(autouse=True)
def wrapped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The fake Japanese catalogue, no language in the environment, the test's own programs directory and store."""
    monkeypatch.setattr(
        i18n, "catalogue", lambda lang, domain: Wrapped() if lang == "ja" else gettext.NullTranslations()
    )
    for name in (cli.LANG_ENV, "KIZUNA_PROGRAM", "KIZUNA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(PROGRAMS_ENV, str(ROOT / "data"))
    monkeypatch.setenv("KIZUNA_DATABASE_URL", f"sqlite:///{tmp_path / 'kizuna.sqlite3'}")


def test_a_message_is_said_in_the_language_lang_names(tmp_path: Path, capsys) -> None:
    target = tmp_path / "program.txt"
    assert cli.main(["template", "-o", str(target), "--lang", "ja"]) == 2
    assert capsys.readouterr().err == f"kizuna template: ⟦{target}: the template is a workbook; name it FILE.xlsx⟧\n"
    assert cli.main(["template", "-o", str(target)]) == 2  # English: the message itself
    assert capsys.readouterr().err == f"kizuna template: {target}: the template is a workbook; name it FILE.xlsx\n"


@pytest.mark.parametrize("given", [["--lang", "ja-JP"], ["--lang=ja"], ["--lang", "ja_JP"], ["--lan", "ja"]])
def test_lang_takes_a_bcp_47_tag_of_a_language_kizuna_speaks(given: list[str], capsys) -> None:
    assert cli.main(["list", "--theme", "nowhere", *given]) == 2
    assert capsys.readouterr().err.startswith("kizuna list: ⟦unknown --theme 'nowhere'; valid: ")


@pytest.mark.parametrize("tag", ["xx", "zh-TW", "zh-Hant", "de", ""])
def test_a_language_kizuna_does_not_speak_is_a_usage_error_that_names_the_ones_it_does(tag: str, capsys) -> None:
    assert cli.main(["list", "--lang", tag]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kizuna: --lang {tag!r}: not a language Kizuna speaks; use one of en, ja, ko, zh, fr")
    assert error.count("\n") == 1


def test_kizuna_lang_is_the_language_without_lang_and_lang_wins_over_it(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv(cli.LANG_ENV, "ja")
    assert cli.main(["list", "--theme", "nowhere"]) == 2
    assert capsys.readouterr().err.startswith("kizuna list: ⟦unknown --theme")
    assert cli.main(["list", "--theme", "nowhere", "--lang", "en"]) == 2
    assert capsys.readouterr().err.startswith("kizuna list: unknown --theme")
    monkeypatch.setenv(cli.LANG_ENV, "klingon")
    assert cli.main(["list"]) == 2
    assert capsys.readouterr().err.startswith("kizuna: $KIZUNA_LANG 'klingon': not a language Kizuna speaks")


def test_the_systems_locale_is_not_followed(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for name in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.setenv(name, "ja_JP.UTF-8")
    assert cli.main(["list", "--theme", "nowhere"]) == 2
    assert capsys.readouterr().err.startswith("kizuna list: unknown --theme 'nowhere'")


def test_the_help_and_argparses_own_words_are_in_the_language(capsys) -> None:
    with pytest.raises(SystemExit) as finished:
        cli.main(["list", "--lang", "ja", "--help"])
    assert finished.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("⟦usage: ⟧kizuna list")
    assert "⟦options⟧:" in out
    assert "⟦only this theme⟧" in out
    assert "⟦show this help message and exit⟧" in out
    assert "$KIZUNA_LANG" in out  # --lang's own help says where the language comes from
    with pytest.raises(SystemExit) as finished:
        cli.main(["list", "--lang", "ja", "--day"])
    assert finished.value.code == 2
    assert "⟦expected one argument⟧" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["list", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: kizuna list")
    assert "only this theme" in out
    assert "⟦" not in out


def test_every_command_but_serve_takes_lang() -> None:
    parser = cli.build_parser()
    (commands,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    for name, command in commands.choices.items():
        options = {option for action in command._actions for option in action.option_strings}
        assert ("--lang" in options) == (name != "serve"), name


@pytest.mark.parametrize("command", ["export", "print", "list"])
def test_a_command_writes_its_program_in_the_language_it_speaks(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    """The exporters are called inside the command's language, with the program as that language reads it."""
    from kizuna.printing import itinerary

    seen: list[tuple[str, str]] = []

    def in_language(program, lang):
        seen.append(("program", lang))
        return program

    def made(*args, **kwargs) -> bytes:
        seen.append(("made", language()))
        return b"%PDF"

    monkeypatch.setattr(cli, "in_language", in_language)
    monkeypatch.setattr(cli, "export_ics", made)
    monkeypatch.setattr(itinerary, "print_view", made)
    output = ["-o", str(tmp_path / "out.pdf")] if command == "print" else []
    assert cli.main([command, "--lang", "ja", *output]) == 0
    capsys.readouterr()
    assert ("program", "ja") in seen
    assert command == "list" or ("made", "ja") in seen
    assert language() == "en"  # the command's language ends with it


def test_store_commands_speak_the_language(tmp_path: Path, capsys) -> None:
    first = shutil.copytree(MINIMAL, tmp_path / "first")
    assert cli.main(["publish", str(first), "--lang", "ja"]) == 0
    assert capsys.readouterr().out.startswith("⟦mini-2020: published as version 1 (4 sessions) in sqlite:///")
    assert cli.main(["publish", str(edited_copy(MINIMAL, tmp_path / "edited")), "--lang", "ja", "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "⟦mini-2020: dry run, nothing stored; would be published as version 2 (4 sessions)⟧"
    assert lines[1].startswith("⟦This publish ")
    assert lines[1].endswith(".⟧")
    assert lines[2].startswith("  ⟦(compared with version 1, published 20")
    assert cli.main(["programs", "--lang", "ja"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].endswith("⟦(1 version)⟧")
    assert "⟦live⟧" in listed[1]
    assert cli.main(["withdraw", "mini-2020", "1", "--lang", "ja"]) == 0
    assert capsys.readouterr().out == "⟦mini-2020: version 1 withdrawn; no version of it is published now⟧\n"
    assert cli.main(["withdraw", "mini-2020", "7", "--lang", "ja"]) == 2
    assert capsys.readouterr().err == "kizuna withdraw: ⟦no version 7 of 'mini-2020'; its versions: 1⟧\n"
    assert cli.main(["changes", "mini-2020", "--lang", "ja"]) == 2
    assert "⟦no version of 'mini-2020' is published now: every one was withdrawn⟧" in capsys.readouterr().err


def test_changes_json_keeps_its_keys_and_words_its_texts(tmp_path: Path, capsys) -> None:
    assert cli.main(["publish", str(shutil.copytree(MINIMAL, tmp_path / "first"))]) == 0
    assert cli.main(["publish", str(edited_copy(MINIMAL, tmp_path / "edited"))]) == 0
    published.look_again()
    capsys.readouterr()
    assert cli.main(["changes", "mini-2020", "--all", "--json", "--lang", "ja"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert [moment["event"] for moment in record["moments"]] == ["published", "published"]
    assert record["moments"][0]["summary"] == "⟦the first version, 4 sessions⟧"


def test_lang_reaches_a_real_process() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), cli.LANG_ENV: "fr-FR"}
    env.pop("KIZUNA_PROGRAM", None)
    result = subprocess.run(
        [sys.executable, "-m", "kizuna", "list", "--lang", "zh-TW"], capture_output=True, env=env, timeout=120
    )
    assert result.returncode == 2
    assert b"--lang 'zh-TW': not a language Kizuna speaks" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "kizuna", "list", "--json"], capture_output=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)
