"""Browser tests for the rendered site: Debian's Chromium driven by Playwright.

What the fixtures give a test (docs-site and verdict-site tests share them):

- ``sites``: ``{"demo": Site, "demo-degraded": Site}``; each Site has ``dir`` (the built folder),
  ``url(path)`` (an http://127.0.0.1:PORT/... address) and ``results`` (results.json, parsed).
  Built once per session with the debug binary, served by python's http.server in a thread.
- ``build_site(root, out, *args)``: runs ``opsbook build`` on another handbook root (for tests
  that edit a copy of the handbook).
- ``open_page(url, viewport="desktop"|"phone", dark=False, print_media=False)``: a new page in its
  own browser context. Every page fails its test at teardown if it logged a console error, threw,
  or asked for anything outside 127.0.0.1 / file:// / data: (such requests are aborted).
- ``screenshot(page, name, full_page=True)`` and ``print_to_png(page, name)`` save into
  ``Tests/screenshots/`` (gitignored) and return the path.

Chromium cannot be downloaded here, so Playwright launches /usr/bin/chromium (Debian package
``chromium``). When it is missing the tests fail rather than skip: a browser suite that silently
skips proves nothing.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
OPSBOOK = REPO / ".build" / "debug" / "opsbook"
CHROMIUM = os.environ.get("OPSBOOK_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = REPO / "Tests" / "screenshots"

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCAL_SCHEMES = {"file", "data", "blob", "about"}


def _start_build(root: Path, out: Path, *args: str) -> subprocess.Popen:
    if not OPSBOOK.exists():
        pytest.fail(f"{OPSBOOK} is missing: run `swift build` first")
    return subprocess.Popen([str(OPSBOOK), "build", "--root", str(root), "--out", str(out), *args],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish_build(proc: subprocess.Popen, out: Path) -> str:
    """Exit 1 means some check failed, which demo-degraded must; anything else is a broken build."""
    stdout, stderr = proc.communicate(timeout=300)
    if proc.returncode not in (0, 1) or not (out / "index.html").exists():
        pytest.fail(f"{' '.join(proc.args)} exited {proc.returncode}:\n{stdout}\n{stderr}")
    return stdout


def run_build(root: Path, out: Path, *args: str) -> str:
    """`opsbook build` on a handbook root; returns its standard output."""
    return _finish_build(_start_build(root, out, *args), out)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


@dataclass
class Site:
    dir: Path
    base: str
    results: dict = field(default_factory=dict)

    def url(self, path: str = "index.html") -> str:
        return f"{self.base}/{path.lstrip('/')}"


def _serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def build_site():
    return run_build


@pytest.fixture(scope="session")
def sites(tmp_path_factory):
    out: dict[str, Site] = {}
    servers = []
    # Both builds at once: demo-degraded spends most of its time in checks' retry delays.
    folders = {t: tmp_path_factory.mktemp("site") / t for t in ("demo", "demo-degraded")}
    procs = {t: _start_build(REPO, f, "--target", t, "--no-search") for t, f in folders.items()}
    for target, folder in folders.items():
        _finish_build(procs[target], folder)
        server, base = _serve(folder)
        servers.append(server)
        out[target] = Site(dir=folder, base=base, results=json.loads((folder / "results.json").read_text()))
    yield out
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's `chromium` (make test-deps)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _is_local(url: str) -> bool:
    u = urlparse(url)
    return u.scheme in LOCAL_SCHEMES or (u.scheme in ("http", "https", "ws") and u.hostname == "127.0.0.1")


@dataclass
class _Guard:
    console_errors: list = field(default_factory=list)
    outside: list = field(default_factory=list)


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(url: str, viewport: str = "desktop", dark: bool = False, print_media: bool = False):
        context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme="dark" if dark else "light",
                                      has_touch=viewport == "phone", is_mobile=viewport == "phone",
                                      locale="zh-TW", timezone_id="Asia/Taipei")
        context.set_default_timeout(5000)  # a missing element fails fast, not after 30 s
        guard = _Guard()

        def route(r):
            if _is_local(r.request.url):
                r.continue_()
            else:
                guard.outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and guard.console_errors.append(f"{m.text} @ {m.location}"))
        page.on("pageerror", lambda e: guard.console_errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: _is_local(r.url) or guard.outside.append(r.url))
        page.on("response", lambda r: r.status >= 400 and guard.console_errors.append(f"HTTP {r.status} {r.url}"))
        if print_media:
            page.emulate_media(media="print")
        contexts.append((context, guard, url))
        page.goto(url)
        return page

    yield opener
    problems = []
    for context, guard, url in contexts:
        context.close()
        if guard.console_errors:
            problems.append(f"{url}: console errors: {guard.console_errors}")
        if guard.outside:
            problems.append(f"{url}: requests leaving the machine: {sorted(set(guard.outside))}")
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def screenshot(screenshot_dir):
    def take(page, name: str, full_page: bool = True) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path
    return take


@pytest.fixture
def print_to_png(screenshot_dir):
    """Prints the page to PDF (A4, no background graphics: the browser default) and turns the
    first pages into PNGs with poppler's pdftoppm. Returns (pdf path, [png paths])."""
    def render(page, name: str, pages: int = 2) -> tuple[Path, list[Path]]:
        pdf = screenshot_dir / f"{name}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=False)
        if shutil.which("pdftoppm") is None:
            pytest.fail("pdftoppm is missing: install Debian's `poppler-utils` (make test-deps)")
        for old in screenshot_dir.glob(f"{name}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(pages), str(pdf),
                        str(screenshot_dir / name)], check=True, timeout=60)
        return pdf, sorted(screenshot_dir.glob(f"{name}-*.png"))
    return render
