"""The app's pages: the visitors' dashboard at `/` (its address and links unchanged) and the Organisers page, and the
language both speak.

The menu is hidden: visitors see the dashboard as before, with one link to the Organisers page at the foot of its
sidebar, and the Organisers page links back. Every run first decides its language: the one the visitor chose (a link's
`lang` on a browser session's first run, then the sidebar's picker, which writes it into the link), else the browser's
first language Kizuna has a catalogue for, else English. A link without `lang` opens in its reader's language."""

from __future__ import annotations

import json

import streamlit as st

from kizuna.i18n import LANGUAGES, SOURCE, accepted, language_name, preferred, use, visitors
from kizuna.views.share import LANGUAGE_KEY, ORGANISERS_PAGE, link_language
from kizuna_app import page

_ = visitors.gettext
PICKER = "language-picker"  # the picker's widget key; the choice itself is kept at `page.LANGUAGE`
SCRIPT_SHOWN = "language-script-shown"  # this browser session's page has had the language script
DOCUMENT_LANGUAGE = {"zh": "zh-Hans"}  # the page's `lang` attribute (BCP 47) where it says more than Kizuna's name
# Gives a program text shown in another language than the page's its `lang`: each container keyed
# `lang-<language>-…` (page.in_text_language), and the title of a dialog whose body is keyed `dialog-lang-<language>-…`
# (page.title_language), as Streamlit draws them, then as later runs add, change or remove them. Installed once per
# page: one observer of the document's elements, which looks again at most once a frame, and only while they change.
TEXT_LANGUAGES = """if (!window.kizunaTextLanguages) {
  const tags = TAGS, marked = new Set();
  const tag = (element, prefix) => {
    for (const name of element.classList) {
      if (name.startsWith(prefix)) {
        const lang = name.slice(prefix.length).split("-")[0];
        return tags[lang] || lang;
      }
    }
    return null;
  };
  let pending = false;
  const mark = () => {
    pending = false;
    const wanted = new Map();
    for (const element of document.querySelectorAll('[class*="st-key-TEXT"]')) {
      const lang = tag(element, "st-key-TEXT");
      if (lang) wanted.set(element, lang);
    }
    for (const marker of document.querySelectorAll('[class*="st-key-TITLE"]')) {
      const dialog = marker.closest('[role="dialog"]'), lang = tag(marker, "st-key-TITLE");
      const heading = dialog && document.getElementById(dialog.getAttribute("aria-labelledby"));
      if (heading && lang) wanted.set(heading, lang);
    }
    for (const element of marked) {
      if (!wanted.has(element)) {
        element.removeAttribute("lang");
        marked.delete(element);
      }
    }
    for (const [element, lang] of wanted) {
      if (element.getAttribute("lang") !== lang) element.setAttribute("lang", lang);
      marked.add(element);
    }
  };
  window.kizunaTextLanguages = new MutationObserver(() => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(mark);
    }
  });
  window.kizunaTextLanguages.observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["class"]
  });
  mark();
}"""
TEXT_LANGUAGES = (
    TEXT_LANGUAGES.replace("TAGS", json.dumps(DOCUMENT_LANGUAGE))
    .replace("TEXT", page.TEXT_LANGUAGE)
    .replace("TITLE", page.TITLE_LANGUAGE)
)
# Sets the top document's `lang` (screen readers and fonts follow it), then the texts' (above). Streamlit runs an html
# element's script again only when its text changes: once per language, not on every rerun. The style hides its empty
# container.
LANGUAGE_SCRIPT = (
    "<style>.st-key-page-language {{display: none}}</style>"
    '<script>document.documentElement.lang = "{tag}";\n{texts}</script>'
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
        script = LANGUAGE_SCRIPT.format(tag=DOCUMENT_LANGUAGE.get(lang, lang), texts=TEXT_LANGUAGES)
        st.html(script, unsafe_allow_javascript=True)


def main() -> None:
    chosen = chosen_language()
    lang = preferred([chosen, *browser_languages()]) or SOURCE
    use(lang)
    organisers = st.Page(page.ORGANISERS_FILE, title=_("Organisers"), icon="🤝", url_path=ORGANISERS_PAGE)
    shown = st.navigation([visitors_page(), organisers], position="hidden")
    language_picker(lang)
    if chosen and shown.url_path == ORGANISERS_PAGE and st.query_params.get(LANGUAGE_KEY) != chosen:
        st.query_params[LANGUAGE_KEY] = chosen  # the visitors' page writes its whole view into its link itself
    try:
        shown.run()
    finally:
        # Only a page that needs it gets the script (and Streamlit's html element with its sanitizer, 13 kB on a
        # first visit): one in another language than English, or with texts in another language than the page's,
        # and every later run of a browser session that had it, so switching back to English sets `lang` back.
        if lang != SOURCE or st.session_state.get(page.OTHER_LANGUAGE_TEXTS) or st.session_state.get(SCRIPT_SHOWN):
            st.session_state[SCRIPT_SHOWN] = True
            page_language(lang)
