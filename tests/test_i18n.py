"""The reader's language: tags chosen, catalogues complete and read once, plural rules as each language has them."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from kizuna import catalogues, i18n


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("JA-jp", "ja"),
        ("ko-KR", "ko"),
        ("zh", "zh"),
        ("zh-Hans", "zh"),
        ("zh-CN", "zh"),
        ("zh-Hans-CN", "zh"),
        ("zh-SG", "zh"),
        ("fr", "fr"),
        ("fr-CA", "fr"),
        ("zh-Hant", None),  # Traditional Chinese is another written language: no catalogue yet
        ("zh-TW", None),
        ("zh-HK", None),
        ("de", None),
        ("pt-BR", None),
        ("", None),
        (None, None),
        ("x-bad", None),
        ("ja_JP", "ja"),
        ("<script>", None),
        ("ja-" + "x" * 500, None),
    ],
)
def test_a_bcp47_tag_gives_the_language_kizuna_speaks_for_it(tag: str | None, language: str | None) -> None:
    assert i18n.language_tag(tag) == language


def test_the_first_tag_kizuna_speaks_wins() -> None:
    assert i18n.preferred(["de-DE", None, "zh-TW", "ko", "ja"]) == "ko"
    assert i18n.preferred(["de", "pt"]) is None
    assert i18n.preferred(i18n.accepted("de-DE,de;q=0.9,ja;q=0.8,en;q=0.7")) == "ja"


def test_accept_language_is_read_by_weight_then_order_and_bounded() -> None:
    assert i18n.accepted("en;q=0.5, ja-JP, ko;q=0.9, *;q=0.1") == ["ja-JP", "ko", "en"]
    assert i18n.accepted("fr;q=bad, ja") == ["ja"]
    assert i18n.accepted(None) == []
    assert len(i18n.accepted("ja," * 10_000)) <= 20


def test_the_language_is_the_context_s_own() -> None:
    seen = {}

    def reader(lang: str) -> None:
        i18n.use(lang)
        seen[lang] = i18n.language()

    threads = [threading.Thread(target=reader, args=(lang,)) for lang in ("ja", "fr")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"ja": "ja", "fr": "fr"}
    assert i18n.language() == "en"  # other threads' choices are theirs
    with i18n.speaking("ko"):
        assert i18n.language() == "ko"
        with i18n.speaking("not-a-language"):
            assert i18n.language() == "en"
    assert i18n.language() == "en"


@pytest.mark.parametrize(("lang", "domain"), [(lang, d) for lang, ds in i18n.CATALOGUES.items() for d in ds])
def test_every_shipped_catalogue_translates_every_string_of_its_sources(lang: str, domain: str) -> None:
    """What `scripts/translations` reports: no string of the sources missing, empty or fuzzy."""
    assert catalogues.lacking(lang, domain) == []


def test_every_module_that_marks_strings_is_in_one_domain() -> None:
    root = catalogues.ROOT
    claimed = {domain: {path.relative_to(root) for path in catalogues.sources(domain)} for domain in i18n.DOMAINS}
    assert not claimed["visitors"] & claimed["organisers"]
    for path in [*root.glob("kizuna/**/*.py"), *root.glob("kizuna_app/*.py")]:
        text = path.read_text(encoding="utf-8")
        for domain in i18n.DOMAINS:  # a literal given to a domain's gettext (a module may show the other's texts)
            if re.search(rf"\b{domain}\.n?gettext\(\s*[\"']|_ = {domain}\.gettext\b", text):
                assert path.relative_to(root) in claimed[domain], f"{path.relative_to(root)} marks {domain} strings"


def test_the_templates_are_up_to_date_with_the_sources() -> None:
    """The .pot files in the repository list exactly the strings the sources mark (run scripts/translations)."""
    from babel.messages.pofile import read_po

    for domain in i18n.DOMAINS:
        with catalogues.template_path(domain).open("rb") as file:
            shipped = {message.id for message in read_po(file) if message.id}
        assert shipped == {message.id for message in catalogues.extract(domain) if message.id}, domain


def write_catalogue(folder: Path, lang: str, domain: str, entries: list[tuple]) -> None:
    messages = Catalog(locale=i18n.CLDR[lang], domain=domain)
    for msgid, string, flags in entries:
        messages.add(msgid, string, flags=flags)
    path = folder / lang / "LC_MESSAGES" / f"{domain}.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        write_po(file, messages)


@pytest.fixture
def own_catalogues(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(i18n, "TRANSLATIONS", tmp_path)
    i18n.catalogue.cache_clear()
    yield tmp_path
    i18n.catalogue.cache_clear()


def test_a_fuzzy_or_empty_entry_is_not_shown_and_is_reported(own_catalogues: Path) -> None:
    write_catalogue(
        own_catalogues,
        "ja",
        "visitors",
        [("Share", "共有", ()), ("Print", "印刷", ("fuzzy",)), ("Export", "", ())],
    )
    with i18n.speaking("ja"):
        assert i18n.visitors.gettext("Share") == "共有"
        assert i18n.visitors.gettext("Print") == "Print"  # a guess is not a translation
        assert i18n.visitors.gettext("Export") == "Export"
    assert i18n.visitors.gettext("Share") == "Share"


def test_plural_forms_are_each_language_s_own(own_catalogues: Path) -> None:
    one, many = "{count} session", "{count} sessions"
    write_catalogue(own_catalogues, "ja", "visitors", [((one, many), ("{count}件",), ())])
    write_catalogue(
        own_catalogues,
        "fr",
        "visitors",
        [((one, many), ("{count} séance", "{count} de séances", "{count} séances"), ())],
    )
    forms = {}
    for lang in ("en", "ja", "fr"):
        with i18n.speaking(lang):
            forms[lang] = [i18n.visitors.ngettext(one, many, n).format(count=n) for n in (0, 1, 2, 1_000_000)]
    assert forms["en"] == ["0 sessions", "1 session", "2 sessions", "1000000 sessions"]
    assert forms["ja"] == ["0件", "1件", "2件", "1000000件"]
    assert forms["fr"] == ["0 séance", "1 séance", "2 séances", "1000000 de séances"]  # CLDR: 0 and 1 are singular


def test_a_language_without_the_organisers_catalogue_reads_them_in_english(own_catalogues: Path) -> None:
    write_catalogue(own_catalogues, "ko", "visitors", [("Share", "공유", ())])
    with i18n.speaking("ko"):
        assert i18n.visitors.gettext("Share") == "공유"
        assert i18n.organisers.gettext("Publish") == "Publish"


def test_catalogues_are_read_once_per_process(own_catalogues: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_catalogue(own_catalogues, "ja", "visitors", [("Share", "共有", ())])
    reads = []
    real = i18n.read_po
    monkeypatch.setattr(i18n, "read_po", lambda *a, **k: reads.append(1) or real(*a, **k))
    with i18n.speaking("ja"):
        for _ in range(100):
            i18n.visitors.gettext("Share")
    assert len(reads) == 1


def test_lacking_names_missing_empty_and_fuzzy_entries(own_catalogues: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from babel.messages.catalog import Catalog as Template

    template = Template()
    for msgid in ("Share", "Print", "Export", "Subscribe"):
        template.add(msgid)
    monkeypatch.setattr(catalogues, "extract", lambda domain: template)
    monkeypatch.setattr(catalogues, "catalogue_path", i18n.catalogue_path)
    write_catalogue(
        own_catalogues, "ja", "visitors", [("Share", "共有", ()), ("Print", "印刷", ("fuzzy",)), ("Export", "", ())]
    )
    assert catalogues.lacking("ja", "visitors") == ["fuzzy: 'Print'", "empty: 'Export'", "missing: 'Subscribe'"]


def test_language_names_are_written_in_their_own_language() -> None:
    assert [i18n.language_name(lang) for lang in i18n.LANGUAGES] == [
        "English",
        "日本語",
        "한국어",
        "中文 (简体)",
        "Français",
    ]
