"""Data text shown through Markdown widgets comes out as the same text; theme colours as emoji squares; counts, lists
and kinds in English (other languages: test_i18n_views)."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kizuna.checks.loading import load_program
from kizuna.config import BUILT_IN_PROGRAM
from kizuna.program.text import CUT, SWATCHES, counted, kind_label, listed, plain, swatch

PROGRAM = load_program(BUILT_IN_PROGRAM)
try:
    from markdown_it import MarkdownIt
except ImportError:  # markdown-it-py is not a dependency of streamlit 1.67; pip install markdown-it-py
    MarkdownIt = None
COMMONMARK = MarkdownIt("commonmark") if MarkdownIt else None
needs_commonmark = pytest.mark.skipif(COMMONMARK is None, reason="markdown-it-py (a CommonMark renderer) is missing")
SPECIAL = " \t\n\r\\`*_{}[]()#+-.!|<>~$:=^&\"';/@%?"
# CommonMark replaces U+0000 with U+FFFD whatever the escaping; the loader strips control characters anyway.
texts = st.text(alphabet=st.characters(exclude_characters="\x00")) | st.text(alphabet=SPECIAL + "a1 ")
# Unicode spaces and controls at a paragraph's edges are trimmed by the renderer: whitespace, not text.
block_texts = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), include_characters=" \t\n\r")
) | st.text(SPECIAL + "a1")


def lines_of(text: str) -> str:
    """Text as a reader compares it: line by line, ignoring spaces and tabs at the ends of lines."""
    return "\n".join(line.strip(" \t") for line in text.replace("\r", "").split("\n"))


def commonmark_source(text: str) -> str:
    """plain(text) as CommonMark reads it: without the cuts, Streamlit directives that show nothing."""
    return plain(text).replace(CUT, "")


def rendered_inline(text: str) -> str:
    """What a reader sees: the HTML's text, with hard breaks as newlines."""
    return lines_of(html.unescape(COMMONMARK.renderInline(commonmark_source(text)).replace("<br />\n", "\n")))


def rendered_blocks(text: str) -> str:
    """What st.markdown shows: paragraphs separated by a blank line, hard breaks as newlines."""
    out = COMMONMARK.render(commonmark_source(text))
    assert set(re.findall(r"<[^>]*>", out)) <= {"<p>", "</p>", "<br />"}, out  # no heading, list, code, link...
    out = out.replace("<br />\n", "\n").replace("</p>\n<p>", "\n\n").removeprefix("<p>").removesuffix("</p>\n")
    return html.unescape(out)


@needs_commonmark
@settings(max_examples=500)
@given(text=texts)
@example(text="<script>alert(1)</script>")
@example(text="**bold** _it_ `code` [link](http://x) ![img](y) <b>x</b> &amp; &#65; \\* :smile: $x$ ~~s~~")
@example(text="# heading\n1. item\n- item\n> quote\n---")
@example(text="line one\nline two\r\nline three")
@example(text="a\\\nb")
def test_plain_text_renders_as_itself_through_commonmark(text: str) -> None:
    assert rendered_inline(text) == lines_of(text)


@needs_commonmark
@settings(max_examples=500)
@given(text=block_texts)
@example(text="First paragraph.\n\n    Indented (see note).")
@example(text="\tTabbed *start*\n    four spaces\n\n\n\n- not a list\n1) not a list either\n===")
@example(text="| a | b |\n|---|---|\n| 1 | 2 |")
def test_plain_text_in_blocks_is_paragraphs_of_itself(text: str) -> None:
    expected = re.sub(r"\n{2,}", "\n\n", lines_of(text)).strip("\n")
    assert rendered_blocks(text) == expected


@needs_commonmark
@given(text=texts)
@example(text="<script>alert(1)</script>")
@example(text="<<script>script>")
@example(text="\\<script>")
def test_script_tags_or_any_other_markup_never_come_out_of_plain_text(text: str) -> None:
    for rendered in (COMMONMARK.renderInline(commonmark_source(text)), COMMONMARK.render(commonmark_source(text))):
        assert "<script" not in rendered.lower()
        assert set(re.findall(r"<[^>]*>", rendered)) <= {"<p>", "</p>", "<br />"}, rendered


def test_plain_escapes_every_markdown_and_streamlit_marker() -> None:
    assert plain("<script>alert(1)</script>") == r"\<script\>alert\(1\)\</script\>"
    assert plain(":red[x] :material/home: $x^2$") == r"\::small[]red\[x\] \::small[]material/home\: \$x\^2\$"
    assert plain("a\nb") == "a  \nb"
    assert plain("a\r\nb") == "a  \nb"


# What Streamlit 1.67's Markdown does to text after parsing it (its frontend, StreamlitMarkdown), each rewrite within
# one text node, whatever was escaped: GFM's literal autolinks, :material_…: icons (the source's ':material/' is
# renamed first), its :streamlit: logo, emoji shortcodes, and arrows and dashes between spaces.
STREAMLIT_REWRITES = {
    "web address": re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE),
    "e-mail address": re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"),
    "icon, logo or emoji": re.compile(r":[\w+-][\w+-]*:"),
    "arrow": re.compile(r"(?:^|\s)(?:<->|->|<-|--|>=|<=|~=)(?:\s|$)"),
}


def text_nodes(source: str) -> list[str]:
    """The pieces of text Streamlit's rewrites see in plain()'s Markdown: cut at each CUT, escapes resolved."""
    return [re.sub(r"\\(.)", r"\1", piece) for piece in source.split(CUT)]


def rewrites(text: str) -> list[str]:
    source = plain(text)
    found = [name for piece in text_nodes(source) for name, rule in STREAMLIT_REWRITES.items() if rule.search(piece)]
    return found + (["icon"] if ":material/" in source else [])


@settings(max_examples=500)
@given(text=texts | st.text(alphabet="htps:/w.@-<>~=a_ \n", max_size=40))
@example(text="https://evil.example/x.png www.evil.example HTTP://EVIL.EXAMPLE mail@evil.example")
@example(text=":material/home: :material_home: :streamlit: :smile: :a:b: 09:30")
@example(text="a -> b <-> c <- d -- e >= f <= g ~= h\n->\n--")
def test_plain_text_leaves_nothing_for_streamlits_own_rewrites(text: str) -> None:
    assert rewrites(text) == []
    assert "".join(text_nodes(plain(text))).replace("  \n", "\n") == lines_of(text)


def test_an_address_a_shortcode_or_an_arrow_is_cut_where_streamlit_would_rewrite_it() -> None:
    assert plain("https://evil.example") == r"https\::small[]//evil\.example"
    assert plain("www.evil.example") == r"www:small[]\.evil\.example"
    assert plain("a@evil.example") == r"a@:small[]evil\.example"
    assert plain(":streamlit:") == r"\::small[]streamlit\:"
    assert plain("a -> b") == r"a \-:small[]\> b"
    assert plain("Published: version 1, 2020-03-02 09:30") == r"Published\: version 1, 2020\-03\-02 09\::small[]30"


@needs_commonmark
def test_an_indented_paragraph_in_a_description_is_not_shown_as_code() -> None:
    rendered = COMMONMARK.render(plain("First paragraph.\n\n    Indented (see note)."))
    assert rendered == "<p>First paragraph.</p>\n<p>Indented (see note).</p>\n"


@given(colour=st.from_regex(r"\A#[0-9A-Fa-f]{6}\Z"))
def test_swatch_is_always_one_of_the_squares(colour: str) -> None:
    assert swatch(colour) in SWATCHES


@pytest.mark.parametrize(
    ("colour", "square"),
    [("#FF0000", "🟥"), ("#DD2E44", "🟥"), ("#00FF00", "🟩"), ("#0000FF", "🟦"), ("#000000", "⬛"), ("#808000", "🟩")],
)
def test_swatch_picks_the_nearest_square(colour: str, square: str) -> None:
    assert swatch(colour) == square
    assert swatch(colour.lower()) == square


def test_the_six_2019_theme_colours_get_six_different_squares() -> None:
    squares = {theme.slug: swatch(theme.colour) for theme in PROGRAM.themes.values()}
    assert len(squares) == 6
    assert len(set(squares.values())) == 6
    assert squares["tourism-promotion"] == "🟧"
    assert squares["disaster-prevention"] == "🟥"
    assert squares["water-supply"] == "🟦"


def test_counts_lists_and_kinds_read_in_english_as_they_always_did() -> None:
    assert [counted(n, noun) for n, noun in ((1, "session"), (12, "session"), (1, "day"), (7, "day"))] == [
        "1 session",
        "12 sessions",
        "1 day",
        "7 days",
    ]
    assert (counted(1, "problem"), counted(3, "problem"), counted(2, "venue")) == (
        "1 problem",
        "3 problems",
        "2 venues",
    )
    assert listed(["Tourism Promotion", "Regional Revitalisation", "Sport"]) == (
        "Tourism Promotion, Regional Revitalisation, Sport"
    )
    assert (listed([]), listed(["one"])) == ("", "one")
    assert [kind_label(kind) for kind in ("courtesy-call", "visit", "a-kind-not-known")] == [
        "courtesy call",
        "visit",
        "a kind not known",
    ]
