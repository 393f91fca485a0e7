"""Accessibility: axe-core's WCAG 2.1 A and AA rules on three views, and the dashboard used with the keyboard alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from checkers import JS_DIR, require_file
from playwright.sync_api import ElementHandle, Locator, Page, expect

from .conftest import open_view, wait_ready
from .test_dashboard import KARATO, TITLES, agenda_entry

AXE = JS_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
MAX_TABS = 200

# axe checks only what is inside the viewport of its scrolling container (Streamlit scrolls <main>, not the
# page), so the run is repeated with each visible scroller stepped through, and the findings merged.
# An open st.dialog locks scrolling with `overflow: hidden` on <html>, whose box is 0 px tall here: axe then takes
# every text for clipped and skips color-contrast altogether. On the root element overflow only stops the
# viewport scrolling (nothing is clipped), so it is lifted while axe runs, and put back.
RUN_AXE = """
async ({tags}) => {
  const frames = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const onScreen = (el) => {
    const box = el.getBoundingClientRect();
    return el.checkVisibility() && box.right > 0 && box.left < innerWidth && box.bottom > 0 && box.top < innerHeight;
  };
  const scrolls = (el) => el.scrollHeight > el.clientHeight + 1
    && (el === document.scrollingElement || /auto|scroll/.test(getComputedStyle(el).overflowY));
  const scrollers = [document.scrollingElement, ...document.body.querySelectorAll('*')]
    .filter((el) => el && scrolls(el) && (el === document.scrollingElement || onScreen(el)));
  const rules = new Map();
  const run = async () => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    for (const rule of result.violations) {
      const {id, impact, help, helpUrl: url} = rule;
      const seen = rules.get(id) ?? {id, impact, help, url, nodes: {}};
      for (const node of rule.nodes) {
        seen.nodes[node.target.join(' ')] = {impact: node.impact, html: node.html, summary: node.failureSummary};
      }
      rules.set(rule.id, seen);
    }
  };
  const root = document.documentElement;
  const locked = root.style.overflow;
  root.style.overflow = 'visible';
  try {
    await run();
    for (const el of scrollers) {
      const step = Math.max(200, Math.floor(el.clientHeight * 0.8));
      for (let top = step; top - step < el.scrollHeight - el.clientHeight; top += step) {
        el.scrollTop = top;
        await frames();
        await run();
      }
      el.scrollTop = 0;
    }
  } finally {
    root.style.overflow = locked;
  }
  return [...rules.values()];
}
"""

# The focused element: which of the targets it is (-1: none), what it is, and whether focus is on <body>;
# `stale` when a rerun replaced a target's node, so the walk looks it up again.
FOCUSED = """
(targets) => {
  const el = document.activeElement;
  if (targets.some((target) => !target.isConnected)) return {stale: true};
  const name = el.getAttribute('aria-label') || el.innerText || el.value || '';
  const role = el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : '';
  return {
    index: targets.findIndex((target) => target === el),
    body: el === document.body,
    what: `${el.tagName.toLowerCase()}${role} "${name.replace(/\\s+/g, ' ').trim().slice(0, 40)}"`,
  };
}
"""

# What can show focus: outline, box-shadow, border and background, on the element and its three nearest ancestors.
FOCUS_STYLES = """
(el) => {
  const styles = [];
  for (let node = el; node && styles.length < 4; node = node.parentElement) {
    const s = getComputedStyle(node);
    styles.push({
      outline: s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0
        ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
      'box-shadow': s.boxShadow,
      border: `${s.borderTopWidth} ${s.borderTopColor} ${s.borderBottomColor}`,
      background: s.backgroundColor,
    });
  }
  return styles;
}
"""


@dataclass(frozen=True)
class View:
    query: str = ""
    viewport: dict[str, int] | None = None
    heading: str | None = None  # the view is shown once this heading is visible
    color_scheme: str | None = None  # the visitor's system setting, which picks Streamlit's light or dark theme


VIEWS = {
    "default": View(),
    "filtered-with-open-card": View(
        f"?theme=tourism-promotion&city=shimonoseki&session={KARATO}", heading=TITLES[KARATO]
    ),
    "phone": View(viewport=PHONE),
    "dark-theme": View("?city=shimonoseki", color_scheme="dark"),
}


@dataclass
class Walk:
    """Where pressing Tab from the top of the page took the focus."""

    reached: dict[str, str | None]  # target name -> how it showed focus (None: nothing seen)
    path: list[str]

    def story(self) -> str:
        return " → ".join(self.path)


# --- helpers -------------------------------------------------------------------------------------------------


def require_axe() -> None:
    require_file(AXE, "scripts/bootstrap --test installs it with npm ci in tests/js")


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations over the whole page, each with its nodes keyed by CSS target."""
    page.add_script_tag(path=AXE)
    return page.evaluate(RUN_AXE, {"tags": WCAG_21_AA})


def blocking(violations: list[dict]) -> list[dict]:
    """The violations, and of each its nodes, that are serious or critical."""
    found = []
    for rule in violations:
        nodes = {target: node for target, node in rule["nodes"].items() if node["impact"] in BLOCKING}
        if nodes:
            found.append({**rule, "nodes": nodes})
    return found


def describe(violations: list[dict], where: str) -> str:
    lines = [f"{len(violations)} serious or critical axe-core rule(s) fail on {where}:"]
    for rule in violations:
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']} <{rule['url']}>")
        for target, node in rule["nodes"].items():
            lines.append(f"  - {target}")
            lines.append(f"    {shorten(node['html'], 160)}")
            lines.extend(f"    {line.strip()}" for line in node["summary"].splitlines()[1:] if line.strip())
    return "\n".join(lines)


def shorten(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_view(page: Page, fresh_context, app_url: str, view: View) -> Page:
    """Open a view (in a fresh context of its own when it needs another viewport) and wait until it is drawn."""
    options = {"viewport": view.viewport, "color_scheme": view.color_scheme}
    if any(options.values()):
        page = fresh_context(**{name: value for name, value in options.items() if value}).new_page()
    open_view(page, f"{app_url}/{view.query}")
    if view.heading:
        expect(card_heading(page, view.heading)).to_be_visible()
        wait_ready(page)
    return page


def card_heading(page: Page, title: str) -> Locator:
    """The open session card's heading (the card may be inline or in a dialog: both have the heading role)."""
    return page.get_by_role("heading", name=title)


def themes_picker(page: Page) -> Locator:
    return page.get_by_role("combobox", name="Themes")


def download_view_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Download this view (.ics)")


def tab_through(page: Page, targets: dict[str, Locator], limit: int = MAX_TABS) -> Walk:
    """Press Tab until every target has had the focus, the focus went round the page twice, or `limit` presses.

    Each target's styles are read before the walk and again when it has the focus, to tell how it shows focus.
    The walk goes on from wherever the focus is, so a walk can pick up where the last one stopped.
    """
    handles = element_handles(targets)
    names = list(handles)
    before = {name: handle.evaluate(FOCUS_STYLES) for name, handle in handles.items()}
    walk = Walk(reached={}, path=[])
    rounds = 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, list(handles.values()))
        if focused.get("stale"):
            handles = element_handles(targets)
            focused = page.evaluate(FOCUSED, list(handles.values()))
        walk.path.append(focused["what"])
        rounds += focused["body"]
        if focused["index"] >= 0:
            name = names[focused["index"]]
            page.wait_for_timeout(300)  # let a focus transition finish before reading the styles
            walk.reached[name] = focus_indicator(before[name], handles[name].evaluate(FOCUS_STYLES))
            if len(walk.reached) == len(targets):
                break
        if rounds == 2:
            break
    return walk


def element_handles(targets: dict[str, Locator]) -> dict[str, ElementHandle]:
    for locator in targets.values():
        expect(locator).to_be_attached()
    return {name: locator.element_handle() for name, locator in targets.items()}


def focus_indicator(unfocused: list[dict], focused: list[dict]) -> str | None:
    """How an element shows it has the focus: its own outline or box-shadow, else a style of it or a near ancestor
    that changed with the focus (Streamlit's multiselect recolours the border of the box around its <input>)."""
    own = focused[0]
    if own["outline"] != "none":
        return f"outline: {own['outline']}"
    if own["box-shadow"] != "none":
        return f"box-shadow: {own['box-shadow']}"
    for level, (was, now) in enumerate(zip(unfocused, focused, strict=True)):
        changed = [f"{key} {was[key]} → {now[key]}" for key in now if now[key] != was[key]]
        if changed:
            return f"{'the element' if level == 0 else f'ancestor {level}'}: " + "; ".join(changed)
    return None


def tab_to(page: Page, target: Locator) -> Walk:
    """Move the focus to `target` with Tab alone; fail with the path the focus took if it never gets there."""
    walk = tab_through(page, {"target": target})
    assert "target" in walk.reached, f"Tab never reached {target}; the focus went: {walk.story()}"
    return walk


def open_sidebar_by_keyboard(page: Page) -> None:
    """On a narrow screen the sidebar starts collapsed: open it with Tab and Enter (on a desktop it is open)."""
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.get_attribute("data-collapsed") == "false":
        return
    tab_to(page, page.get_by_role("button", name="Expand sidebar"))
    page.keyboard.press("Enter")
    expect(sidebar).to_have_attribute("data-collapsed", "false")


# --- tests ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VIEWS)
def test_axe_finds_no_serious_or_critical_violation(name: str, page: Page, fresh_context, app_url: str) -> None:
    require_axe()
    shown = shown_view(page, fresh_context, app_url, VIEWS[name])
    found = blocking(axe_violations(shown))
    assert not found, describe(found, f"the {name} view ({shown.url})")


def test_keyboard_reaches_filters_agenda_downloads_and_share_with_visible_focus(page: Page, app_url: str) -> None:
    open_view(page, app_url)
    open_sidebar_by_keyboard(page)
    targets = {
        "Themes picker": themes_picker(page),
        "agenda entry": agenda_entry(page, KARATO),
        "Download this view": download_view_button(page),
        "Subscribe": page.get_by_role("button", name="Subscribe"),
        "Share this view": page.get_by_role("button", name="Share this view"),
    }
    walk = tab_through(page, targets)
    print("focus indicators:", walk.reached)

    missed = [name for name in targets if name not in walk.reached]
    assert not missed, f"Tab never reached {missed}; the focus went: {walk.story()}"
    unseen = [name for name, indicator in walk.reached.items() if indicator is None]
    assert not unseen, f"no visible focus indicator on {unseen} (no outline, box-shadow or style change)"


def test_enter_on_an_agenda_entry_opens_its_card(page: Page, app_url: str) -> None:
    open_view(page, app_url)
    title = TITLES[KARATO]
    expect(card_heading(page, title)).to_have_count(0)
    tab_to(page, agenda_entry(page, KARATO))
    page.keyboard.press("Enter")
    expect(card_heading(page, title)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"session={KARATO}"))


def test_the_card_and_share_work_from_the_keyboard(page: Page, app_url: str) -> None:
    open_view(page, f"{app_url}/?session={KARATO}")
    card = page.get_by_role("dialog")
    expect(card_heading(page, TITLES[KARATO])).to_be_visible()
    tab_to(page, card.get_by_role("link", name="Google Calendar"))
    close = card.locator(".st-key-close-card button")
    tab_to(page, close)
    page.keyboard.press("Enter")
    expect(card).to_have_count(0)
    expect(page).not_to_have_url(re.compile("session="))
    share = page.get_by_role("button", name="Share this view")
    tab_to(page, share)
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"^http://127\.0\.0\.1:\d+/$"))).to_be_visible()


def test_the_map_tells_screen_readers_that_the_agenda_is_its_text(page: Page, app_url: str) -> None:
    open_view(page, f"{app_url}/?theme=multiculturalism")
    figure = page.get_by_role("figure", name=re.compile(r"^Map of the 1 session"))
    expect(figure).to_have_attribute("aria-label", re.compile("agenda below lists the same sessions as text"))
    expect(page.get_by_role("heading", name="Agenda")).to_be_attached()
