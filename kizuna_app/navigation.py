"""The app's pages: the visitors' dashboard at `/` (its address and links unchanged) and the Organisers page, and the
language both speak.

The menu is hidden: visitors see the dashboard as before, with one link to the Organisers page at the foot of its
sidebar, and the Organisers page links back. Every run first decides its language: the one the visitor chose (a link's
`lang` on a browser session's first run, then the sidebar's picker, which writes it into the link), else the browser's
first language Kizuna has a catalogue for, else English. A link without `lang` opens in its reader's language."""

from __future__ import annotations

import streamlit as st

from kizuna.i18n import LANGUAGES, SOURCE, accepted, language_name, preferred, use, visitors
from kizuna.views.share import LANGUAGE_KEY, ORGANISERS_PAGE, link_language
from kizuna_app import page

_ = visitors.gettext
PICKER = "language-picker"  # the picker's widget key; the choice itself is kept at `page.LANGUAGE`
DOCUMENT_LANGUAGE = {"zh": "zh-Hans"}  # the page's `lang` attribute (BCP 47) where it says more than Kizuna's name
# Sets the top document's `lang` (screen readers and fonts follow it). Streamlit runs an html element's script again
# only when its text changes: once per language, not on every rerun. The style hides its empty container.
LANGUAGE_SCRIPT = (
    '<style>.st-key-page-language {{display: none}}</style><script>document.documentElement.lang = "{tag}";</script>'
)


def visitors_page() -> st.Page:
    return st.Page(page.main, title=_("Seminar program"), icon="🤝", default=True)


def chosen_language() -> str | None:
    """The language the visitor chose: the link's `lang` on a browser session's first run, then the picker's."""
    if page.LANGUAGE not in st.session_state:
        st.session_state[page.LANGUAGE] = link_language(page.address_query())
    return st.session_state[page.LANGUAGE]


def browser_languages() -> list[str | None]:
    """The browser's languages, most wanted first: its locale, then its Accept-Language header."""
    return [st.context.locale, *accepted(st.context.headers.get("Accept-Language"))]


def pick_language() -> None:
    """The picker's language is the visitor's choice from now on, and the link says so."""
    st.session_state[page.LANGUAGE] = st.session_state[PICKER]
    st.query_params[LANGUAGE_KEY] = st.session_state[PICKER]


def language_picker(lang: str) -> None:
    """At the top of the sidebar, each language named in itself."""
    st.session_state[PICKER] = lang
    st.sidebar.selectbox(
        _("Language"),
        LANGUAGES,
        key=PICKER,
        format_func=language_name,
        on_change=pick_language,
        icon=":material/translate:",
    )


def page_language(lang: str) -> None:
    """The `lang` attribute of the page, for the language it is shown in."""
    with st.container(key="page-language"):
        st.html(LANGUAGE_SCRIPT.format(tag=DOCUMENT_LANGUAGE.get(lang, lang)), unsafe_allow_javascript=True)


def main() -> None:
    chosen = chosen_language()
    lang = preferred([chosen, *browser_languages()]) or SOURCE
    use(lang)
    organisers = st.Page(page.ORGANISERS_FILE, title=_("Organisers"), icon="🤝", url_path=ORGANISERS_PAGE)
    shown = st.navigation([visitors_page(), organisers], position="hidden")
    page_language(lang)
    language_picker(lang)
    if chosen and shown.url_path == ORGANISERS_PAGE and st.query_params.get(LANGUAGE_KEY) != chosen:
        st.query_params[LANGUAGE_KEY] = chosen  # the visitors' page writes its whole view into its link itself
    shown.run()
