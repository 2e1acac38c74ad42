"""The verdict site as its readers meet it (issue 15, contract §7), asserted from the rendered DOM:
a lead before a sign-off (dashboard, print), an on-call engineer on a phone, a failing check."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin

import pytest

from conftest import REPO

PHASE_PAGE = "phases/phase-1.html"
FAILING_RUNBOOK = "runbooks/etcd-quorum-loss.html"
FAILING_CHECK = "rb-etcd-endpoint-health"

# Every criterion on a page as the DOM shows it, and every link on it.
PAGE_FACTS_JS = """() => ({
  criteria: [...document.querySelectorAll('li.criterion')].map(li => ({
    id: li.id, status: li.dataset.status, claimed: li.hasAttribute('data-claimed-failing')})),
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
})"""


def output_path(page: str) -> str:
    """content/runbooks/x.md -> runbooks/x.html"""
    return page.removeprefix("content/").removesuffix(".md") + ".html"


@pytest.fixture(scope="module")
def degraded_failing(sites, browser):
    """{(output path, element id)} of every failing criterion of demo-degraded, read from each
    page's DOM, checked against results.json's count."""
    site = sites["demo-degraded"]
    failing_pages = sorted({output_path(c["page"]) for c in site.results["criteria"] if c["status"] == "failed"})
    context = browser.new_context()
    page = context.new_page()
    found = set()
    for path in failing_pages:
        page.goto(site.url(path))
        facts = page.evaluate(PAGE_FACTS_JS)
        found |= {(path, c["id"]) for c in facts["criteria"] if c["status"] == "failed"}
    context.close()
    assert len(found) == site.results["summary"]["criteria"]["failed"] > 0
    return found


def link_targets(page, base: str, selector: str = "main a[href]", visible_only: bool = True) -> dict:
    """{(path, fragment): link text} of the links a reader can click now (one round trip)."""
    links = page.eval_on_selector_all(selector, "els => els.map(a => [a.href, a.innerText, a.checkVisibility()])")
    out = {}
    for href, text, visible in links:
        if visible_only and not visible:
            continue
        url, fragment = urldefrag(href)
        if url.startswith(base) and fragment:
            out[(url[len(base) + 1:], unquote(fragment))] = text
    return out


# -- 1. the dashboard shows every failure ----------------------------------------------------------

@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_failing_criterion_is_one_click_from_the_dashboard(sites, open_page, degraded_failing, viewport, screenshot):
    site = sites["demo-degraded"]
    page = open_page(site.url("dashboard.html"), viewport=viewport)
    screenshot(page, f"dashboard-{viewport}", full_page=False)
    targets = link_targets(page, site.base)
    missing = sorted(degraded_failing - set(targets))
    assert not missing, f"{len(missing)} failing criteria not linked from the dashboard: {missing[:5]}"
    for key in degraded_failing:
        assert "check:" not in targets[key], f"link text shows raw check ids: {targets[key]!r}"
        assert len(targets[key].strip()) > 3, targets[key]
    if viewport == "phone":
        # Cards, not a table scrolled sideways: every failing link lies inside the screen.
        for a in page.locator("table.failing-pages ul.failing a").all()[:20]:
            box = a.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 391, box


def test_every_count_on_the_dashboard_links_to_what_it_counts(sites, open_page):
    site = sites["demo-degraded"]
    page = open_page(site.url("dashboard.html"))
    badges = page.eval_on_selector_all(
        "main .counts .badge, table.phases .badge, table.failing-pages .badge",
        """els => els.map(b => { const t = b.getAttribute('href'), target = t && t.startsWith('#') && document.getElementById(t.slice(1));
            return [b.innerText.trim(), b.tagName, t, target ? target.querySelectorAll('li').length : -1] })""")
    counted = [b for b in badges if re.search(r"\d+$", b[0]) and "逾期" not in b[0]]
    assert len(counted) > 20
    for text, tag, target, listed in counted:
        assert tag == "A", f"count is not a link: {text}"
        n = int(re.search(r"(\d+)$", text).group(1))
        assert target.startswith("#"), target
        assert listed == n, f"{text!r} links to {target} listing {listed}"
    summary = site.results["summary"]["criteria"]
    top = page.locator("main .counts").first.inner_text()
    assert f"失敗 {summary['failed']}" in top and f"宣稱完成，但檢查失敗 {summary['claimed-failing']}" in top


def test_navigation_marks_pages_with_failures_without_colour(sites, open_page):
    site = sites["demo-degraded"]
    failing = {output_path(c["page"]) for c in site.results["criteria"] if c["status"] == "failed"}
    page = open_page(site.url("runbooks/index.html"))
    runbook_links = page.locator("#site-nav a[href*='runbooks/']").all()
    assert len(runbook_links) > 5
    for a in runbook_links:
        path = urldefrag(urljoin(page.url, a.get_attribute("href")))[0][len(site.base) + 1:]
        if path == "runbooks/index.html":
            continue
        mark = a.locator(".nav-fail")
        if path in failing:
            assert mark.count() == 1, f"{path} has failures but no mark"
            assert mark.inner_text() == "✗" and "失敗" in mark.get_attribute("aria-label")
        else:
            assert mark.count() == 0, f"{path} is marked but has no failure"


# -- 2. a failing check reads right ----------------------------------------------------------------

def test_failing_check_labels_expected_and_actual_and_marks_the_bad_line(sites, open_page, screenshot):
    site = sites["demo-degraded"]
    result = next(c for c in site.results["checks"] if c["id"] == FAILING_CHECK)
    page = open_page(site.url(f"{FAILING_RUNBOOK}#check-{FAILING_CHECK}"))
    screenshot(page, "failing-runbook", full_page=False)
    card = page.locator(f"#check-{FAILING_CHECK}")
    labels = card.locator(".label").all_inner_texts()
    assert labels[0].startswith("命令與預期輸出"), labels
    assert any(label.startswith("實際輸出") for label in labels), labels
    bad = card.locator(".diff .actual")
    assert bad.count() == 1 and "UNHEALTHY" in bad.inner_text() and "實際" in bad.inner_text()
    red = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--failed-on-tint').trim()")
    colour = bad.evaluate("e => getComputedStyle(e).color")
    assert colour == hex_to_rgb(red), f"the bad actual line is the failure colour, not {colour}"
    r, g, b = map(int, re.findall(r"\d+", colour)[:3])
    assert r > 2 * g and r > 2 * b, "red, never git's green"
    assert "UNHEALTHY" in card.locator("pre.output mark.bad-line").inner_text()
    assert card.locator("pre.output mark.bad-line").count() == 1, "only the line that did not match is marked"
    reason = card.locator(".reason dd").inner_text()
    assert re.search(r"content/runbooks/etcd-quorum-loss\.md:\d+：", reason), reason
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}", reason), f"reason left in English: {reason}"


def test_every_figure_on_every_check_card_is_the_results_files(sites, browser):
    site = sites["demo-degraded"]
    by_id = {c["id"]: c for c in site.results["checks"]}
    context = browser.new_context()
    page = context.new_page()
    seen = 0
    for path in sorted({output_path(c["page"]) for c in site.results["checks"]}):
        page.goto(site.url(path))
        cards = page.evaluate("""() => [...document.querySelectorAll('.check')].map(c => ({
            id: c.dataset.checkId, status: c.dataset.status,
            meta: Object.fromEntries([...c.querySelectorAll('.check-meta div')].map(d =>
                [d.querySelector('dt').textContent, d.querySelector('dd').textContent]))}))""")
        for card in cards:
            r = by_id[card["id"]]
            assert card["status"] == r["status"], card
            if r["attempts"] > 0:
                exit_word = "—" if r["exit"] is None else str(r["exit"])
                assert card["meta"]["結束碼"] == exit_word, (card, r["exit"])
                assert card["meta"]["嘗試次數"] == str(r["attempts"]), card
                assert card["meta"]["耗時"] == f"{r['duration_ms']} ms", card
                assert card["meta"]["目標"] == site.results["target"], card
            seen += 1
    context.close()
    assert seen == len(by_id)


# -- 3. links survive and say where they go --------------------------------------------------------

def test_anchors_are_reachable_without_hover_and_a_target_is_highlighted(sites, open_page, degraded_failing):
    site = sites["demo-degraded"]
    path, criterion = sorted(p for p in degraded_failing if p[0] == PHASE_PAGE)[0]
    page = open_page(site.url(f"{path}#{criterion}"), viewport="phone")
    anchors = page.locator("main .anchor")
    assert anchors.count() > 3
    for a in anchors.all()[:5]:
        style = a.evaluate("e => { const s = getComputedStyle(e); return [s.visibility, s.display, +s.opacity] }")
        assert style[0] == "visible" and style[1] != "none" and style[2] >= 0.5, style
        assert a.get_attribute("href", timeout=1000).startswith("#")
    outline = page.locator(f"[id='{criterion}']").evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none", "a linked criterion is highlighted (:target)"


def test_a_stale_runbook_says_so_at_the_top(sites, open_page):
    site = sites["demo"]
    dash = open_page(site.url("dashboard.html"))
    stale = dash.locator("table.runbooks tr.stale td:first-child a")
    assert stale.count() >= 1, "the demo handbook has a runbook past review-every"
    href = stale.first.get_attribute("href")
    page = open_page(site.url(href))
    notice = page.locator("main .stale-notice")
    assert notice.is_visible() and "審閱" in notice.inner_text()
    assert notice.evaluate("n => n.compareDocumentPosition(document.querySelector('article.content')) & 4") == 4, \
        "the notice comes before the page's text"
    # and a fresh one does not
    fresh = dash.locator("table.runbooks tr:not(.stale) td:first-child a").first.get_attribute("href")
    assert open_page(site.url(fresh)).locator(".stale-notice").count() == 0


def test_criterion_ids_survive_a_line_inserted_above(tmp_path, build_site, browser):
    copy = tmp_path / "handbook"
    for part in ("content", "checks"):
        shutil.copytree(REPO / part, copy / part)
    before = build_ids(build_site, copy, tmp_path / "before", browser)
    phase = copy / "content/phases/phase-1.md"
    text = phase.read_text()
    body = text.index("\n# ") if "\n# " in text else 0
    phase.write_text(text[:body] + "\n\n一行新加的說明。\n" + text[body:])
    after = build_ids(build_site, copy, tmp_path / "after", browser)
    assert before and before == after


def build_ids(build_site, root: Path, out: Path, browser) -> list[str]:
    build_site(root, out, "--no-checks", "--no-search")
    context = browser.new_context()
    page = context.new_page()
    page.goto((out / PHASE_PAGE).as_uri())
    ids = page.eval_on_selector_all("li.criterion", "els => els.map(e => e.id)")
    context.close()
    return ids


# -- 4. provenance ---------------------------------------------------------------------------------

def test_every_page_says_target_time_and_handbook_commit(sites, open_page):
    site = sites["demo-degraded"]
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert site.results["handbook_commit"] == head
    assert isinstance(site.results["handbook_dirty"], bool)
    for path in ("index.html", "dashboard.html", PHASE_PAGE):
        page = open_page(site.url(path))
        prov = page.locator("header .provenance")
        text = prov.inner_text()
        assert site.results["target"] in text, text
        assert head[:12] in text, text
        assert ("未提交" in text) == site.results["handbook_dirty"], text
        assert f"opsbook {site.results['opsbook_version']}" in text, text
        time = prov.locator("time[datetime]")
        assert time.get_attribute("datetime") == site.results["finished"]
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", time.inner_text())
        assert re.search(r"（(剛剛|\d+ 分鐘前|\d+ 小時前|\d+ 天前)）", text), text


# -- 5. print: a sign-off sheet --------------------------------------------------------------------

def test_printed_phase_page_is_a_sign_off_sheet(sites, open_page, print_to_png):
    site = sites["demo-degraded"]
    page = open_page(site.url(PHASE_PAGE), print_media=True)
    checks = page.locator(".check")
    assert checks.count() > 3
    for card in checks.all():
        assert card.locator("pre.check-body").is_visible(), card.get_attribute("data-check-id")
        if card.get_attribute("data-status") != "not-run":
            assert card.locator("pre.output").is_visible(), card.get_attribute("data-check-id")
    cut = page.evaluate("[...document.querySelectorAll('main pre')].filter(p => p.scrollWidth > p.clientWidth + 1).length")
    assert cut == 0, "no command is cut at the right edge"
    for li in page.locator("li.criterion").all():
        assert li.locator(".badge").first.inner_text().strip()[-2:] in {"通過", "失敗", "略過", "確認", "簽核", "執行"}
    claimed = page.locator("li.criterion[data-claimed-failing] .badge.claimed-failing").first
    colour, border = claimed.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).borderTopStyle]")
    assert colour == "rgb(0, 0, 0)" and border != "none", "legible without background graphics"
    header = page.locator(".print-header")
    assert header.is_visible() and site.results["target"] in header.inner_text()
    assert site.results["handbook_commit"][:12] in header.inner_text()
    sign = page.locator(".sign-off")
    assert sign.is_visible() and "姓名" in sign.inner_text() and "日期" in sign.inner_text()
    assert not page.locator("#site-nav").is_visible()
    pdf, pngs = print_to_png(page, "printed-phase-page", pages=2)
    assert pdf.stat().st_size > 10_000 and pngs


# -- 6. phone --------------------------------------------------------------------------------------

def test_phone_menu_opens_the_navigation_and_toc_and_way_up_are_there(sites, open_page, screenshot):
    site = sites["demo-degraded"]
    page = open_page(site.url(PHASE_PAGE), viewport="phone")
    nav = page.locator("#site-nav")
    button = page.locator(".menu-toggle")
    assert button.is_visible() and not nav.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert nav.is_visible() and button.get_attribute("aria-expanded") == "true"
    box = nav.bounding_box()
    assert box["y"] < 844, "the opened menu is on screen, not 12 000 px down"
    screenshot(page, "phone-menu", full_page=False)
    button.click()
    assert not nav.is_visible()
    toc = page.locator("details.toc")
    assert toc.is_visible() and toc.bounding_box()["y"] < page.locator("article.content").bounding_box()["y"]
    page.locator("details.toc > summary").click()
    assert page.locator("details.toc a").first.is_visible()
    page.mouse.wheel(0, 6000)
    up = page.locator(".to-top")
    assert up.is_visible()
    up.click()
    page.wait_for_function("window.scrollY === 0")


# -- 7. smaller things -----------------------------------------------------------------------------

def test_smaller_things(sites, open_page, screenshot):
    site = sites["demo-degraded"]
    index = open_page(site.url("index.html"))
    assert index.title() and " · " not in index.title()
    dash = open_page(site.url("dashboard.html"))
    assert dash.locator(".pager").count() == 0, "no empty pager on the dashboard"
    for label in dash.locator(".bar").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))"):
        assert re.search(r"[\u4e00-\u9fff]", label) and not re.search(r"criteria|status", label), label
    phase = open_page(site.url(PHASE_PAGE))
    screenshot(phase, "phase-page", full_page=False)
    assert phase.locator(".pager a").count() >= 1


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_all_text_has_4_5_to_1_contrast(sites, open_page, dark):
    site = sites["demo-degraded"]
    worst = []
    for path in ("dashboard.html", PHASE_PAGE, FAILING_RUNBOOK):
        page = open_page(site.url(path), dark=dark)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        worst += [(path, *w) for w in page.evaluate(CONTRAST_JS)]
    assert not worst, f"{len(worst)} texts under 4.5:1: {sorted(set((w[1], w[3]) for w in worst))}"


def hex_to_rgb(value: str) -> str:
    value = value.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i:i + 2], 16) for i in (0, 2, 4)))


# For every element with its own visible text: WCAG contrast of its colour against the first
# opaque background behind it (semi-transparent tints are composited on the way down).
CONTRAST_JS = r"""() => {
  const parse = c => {
    let m = c.match(/rgba?\(([^)]+)\)/);
    if (m) { const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
    m = c.match(/color\(srgb ([^)]+)\)/);
    if (m) { const p = m[1].split(/[ \/]+/).filter(Boolean).map(Number); return [p[0]*255, p[1]*255, p[2]*255, p.length > 3 ? p[3] : 1]; }
    return [0, 0, 0, 0];
  };
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const over = (top, bottom) => { const a = top[3]; return [0,1,2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]); };
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
    }
    let base = [255, 255, 255, 1];
    if (!layers.length || layers[layers.length - 1][3] < 1) {
      base = parse(getComputedStyle(document.documentElement).backgroundColor);
      if (base[3] < 1) base = parse(getComputedStyle(document.body).backgroundColor);
    }
    return layers.reverse().reduce((acc, l) => over(l, acc), base);
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const s = getComputedStyle(el);
    if (s.visibility !== 'visible') continue;
    const fg = parse(s.color), bg = background(el);
    const color = fg[3] < 1 ? over(fg, bg) : fg;
    const [a, b] = [lum(color), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) out.push([el.tagName + '.' + el.className, el.textContent.trim().slice(0, 30), Math.round(ratio * 100) / 100]);
  }
  return out;
}"""
