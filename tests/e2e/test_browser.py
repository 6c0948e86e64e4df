"""The browser page at ``/``, driven in a real headless Chromium against the real stack
(gunicorn + rq worker + Redis): key, upload, live progress, preview table, XLSX download.

Needs Debian's ``chromium`` (``apt-get install chromium``) and the ``playwright`` package; Playwright
never downloads a browser here, it drives /usr/bin/chromium. Screenshots of the finished page on a
desktop and a phone viewport go to ``$TABLESNAP_SCREENSHOT_DIR`` (default: pytest's tmp dir).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import openpyxl
import pytest
import requests

from tests import servers
from tests.conftest import API_KEY
from tests.imaging import SALES, png_bytes, render_table

CHROMIUM = "/usr/bin/chromium"
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"no {CHROMIUM}: install Debian's chromium package (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install -r requirements-dev.txt)")
expect = sync_api.expect
expect.set_options(timeout=15_000)  # a loaded CI machine: give each assertion time to come true

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
JOB_TIMEOUT_MS = 150_000


@pytest.fixture(scope="module")
def server(test_env, worker, tmp_path_factory):
    proc, url = servers.start_gunicorn(test_env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    yield url
    servers.stop(proc)


@pytest.fixture(scope="module")
def browser():
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory) -> Path:
    path = Path(os.environ.get("TABLESNAP_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


class Page:
    """A fresh browser context and page, with the page's script errors and CSP violations collected."""

    def __init__(self, browser, viewport: dict):
        self.context = browser.new_context(viewport=viewport, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.script_errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.script_errors.append(str(exc)))
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.script_errors.append(message.text)


@pytest.fixture
def page(browser):
    holder = Page(browser, DESKTOP)
    yield holder
    holder.context.close()


def table_image(tmp_path: Path, name: str = "sales.png") -> Path:
    path = tmp_path / name
    path.write_bytes(png_bytes(render_table(SALES)))
    return path


def test_page_is_served_with_a_strict_csp(server):
    index = requests.get(f"{server}/", timeout=10)
    assert index.status_code == 200 and index.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in index.headers["Content-Security-Policy"]
    assert "<script>" not in index.text and not re.search(r"\son[a-z]+=", index.text), "inline script"
    for name, kind in [("app.js", "javascript"), ("style.css", "text/css"), ("icon.svg", "image/svg")]:
        asset = requests.get(f"{server}/static/{name}", timeout=10)
        assert asset.status_code == 200 and kind in asset.headers["Content-Type"], name


def test_convert_follow_preview_and_download(server, page, tmp_path, screenshot_dir):
    p = page.page
    image = table_image(tmp_path)
    p.goto(f"{server}/")
    expect(p.get_by_role("heading", name="tablesnap")).to_be_visible()
    convert = p.locator("#convert")
    expect(convert).to_be_disabled()

    p.get_by_label("API key", exact=True).fill(API_KEY)
    expect(convert).to_be_disabled()  # a key but no file yet
    p.locator("#file-input").set_input_files(str(image))
    expect(p.locator("#chosen-list li")).to_have_count(1)
    expect(p.locator("#chosen-list li")).to_contain_text("sales.png")
    expect(p.get_by_role("button", name="Remove sales.png")).to_be_visible()
    p.get_by_label("Workbook layout").select_option("sheet_per_image")
    expect(convert).to_be_enabled()
    convert.click()

    job = p.locator("#job")
    expect(job).to_be_visible()
    expect(job).to_have_attribute("data-state", "finished", timeout=JOB_TIMEOUT_MS)
    progress = p.locator("progress#progress")
    assert progress.evaluate("el => [el.value, el.max]") == [1, 1]
    expect(p.locator("#progress-text")).to_have_text("1 of 1")
    expect(p.locator("#job-files li")).to_contain_text("Done: 1 table")
    expect(p.locator("#live-status")).to_contain_text("Finished")
    expect(p.locator("#cancel")).to_be_hidden()
    expect(convert).to_be_disabled()  # the chosen files were sent, none is left
    expect(p.locator("#chosen-list li")).to_have_count(0)

    table = p.locator("#preview-tables table").first
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_contain_text("sales.png")
    expect(table.get_by_role("columnheader", name="Region", exact=True)).to_be_visible()
    expect(table.locator("thead th").first).to_have_attribute("scope", "col")
    expect(table.get_by_role("cell", name="West Coast", exact=True)).to_be_visible()
    expect(p.locator("#recent-list li")).to_contain_text(["sales.png"])

    with p.expect_download() as info:
        p.get_by_role("button", name="Download XLSX").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).worksheets[0]
    assert sheet["A1"].value == "Region"
    expect(p.locator("#download-status")).to_contain_text("Downloaded")

    p.screenshot(path=str(screenshot_dir / "desktop-finished.png"), full_page=True)
    p.set_viewport_size(PHONE)
    assert p.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    p.screenshot(path=str(screenshot_dir / "phone-finished.png"), full_page=True)
    assert page.script_errors == []


def test_polls_when_the_event_stream_fails_and_reopens_a_recent_job(server, page, tmp_path):
    p = page.page
    p.route("**/events", lambda route: route.abort())  # a proxy that breaks streaming, say
    p.goto(f"{server}/")
    p.get_by_label("API key", exact=True).fill(API_KEY)
    p.locator("#file-input").set_input_files(str(table_image(tmp_path, "polled.png")))
    p.locator("#convert").click()
    expect(p.locator("#job")).to_have_attribute("data-state", "finished", timeout=JOB_TIMEOUT_MS)
    expect(p.locator("#progress-text")).to_have_text("1 of 1")
    expect(p.locator("#preview-tables table").first.get_by_role("columnheader", name="Region")).to_be_visible()

    p.reload()  # the job is listed under recent jobs and opens again with its preview
    expect(p.locator("#job")).to_be_hidden()
    p.get_by_role("button", name="Show job polled.png").click()
    expect(p.locator("#job")).to_have_attribute("data-state", "finished")
    expect(p.locator("#job-files li")).to_contain_text("Done: 1 table")
    expect(p.get_by_role("button", name="Download XLSX")).to_be_visible()
    expect(p.locator("#preview-tables table").first.get_by_role("cell", name="West Coast")).to_be_visible()
    assert page.script_errors == []


def test_cancel_a_running_job(server, page, tmp_path):
    p = page.page
    p.goto(f"{server}/")
    p.get_by_label("API key", exact=True).fill(API_KEY)
    p.locator("#file-input").set_input_files([str(table_image(tmp_path, f"c{i}.png")) for i in range(3)])
    p.get_by_role("button", name="Convert 3 pictures").click()
    cancel = p.get_by_role("button", name="Cancel")
    expect(cancel).to_be_visible()
    cancel.click()
    expect(p.locator("#job")).to_have_attribute("data-state", "canceled")
    expect(p.locator("#live-status")).to_contain_text("Canceled")
    expect(cancel).to_be_hidden()
    expect(p.get_by_role("button", name="Download XLSX")).to_be_hidden()
    expect(p.locator("#job-files li .badge").filter(has_text="Canceled")).not_to_have_count(0)
    assert page.script_errors == []


def test_wrong_key_shows_the_servers_message(server, page, tmp_path, screenshot_dir):
    wrong = "not-a-valid-key-" + "q" * 30
    expected = requests.get(f"{server}/api/v1/jobs", headers={"X-API-Key": wrong}, timeout=10).json()
    p = page.page
    p.goto(f"{server}/")
    p.get_by_label("API key", exact=True).fill(wrong)
    p.locator("#file-input").set_input_files(str(table_image(tmp_path)))
    p.locator("#convert").click()
    alert = p.locator("#form-error")
    expect(alert).to_be_visible()
    expect(alert).to_have_text(expected["error"]["message"])
    expect(alert).to_have_attribute("role", "alert")
    expect(p.locator("#job")).to_be_hidden()
    expect(p.locator("#chosen-list li")).to_have_count(1)  # nothing was sent: the files stay chosen
    expect(p.locator("#convert")).to_be_enabled()
    p.set_viewport_size(PHONE)
    p.screenshot(path=str(screenshot_dir / "phone-wrong-key.png"), full_page=True)
    assert page.script_errors == []


def test_refused_file_shows_the_servers_message_on_its_row(server, page, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    p = page.page
    p.goto(f"{server}/")
    p.get_by_label("API key", exact=True).fill(API_KEY)
    p.locator("#file-input").set_input_files(str(pdf))
    p.locator("#convert").click()
    alert = p.locator("#form-error")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("report.pdf")
    expect(p.locator("#chosen-list li .file-error")).to_have_text(alert.inner_text())
    assert page.script_errors == []


def test_key_is_remembered_toggled_and_forgotten(server, page):
    p = page.page
    p.goto(f"{server}/")
    key = p.get_by_label("API key", exact=True)
    expect(key).to_have_attribute("type", "password")
    expect(p.get_by_label("Remember on this device")).to_be_checked()
    key.fill(API_KEY)
    toggle = p.get_by_role("button", name="Show API key")
    toggle.click()
    expect(key).to_have_attribute("type", "text")
    expect(p.get_by_role("button", name="Hide API key")).to_have_attribute("aria-pressed", "true")

    p.reload()
    expect(p.get_by_label("API key", exact=True)).to_have_value(API_KEY)
    p.get_by_role("button", name="Forget key").click()
    expect(p.get_by_label("API key", exact=True)).to_have_value("")
    p.reload()
    expect(p.get_by_label("API key", exact=True)).to_have_value("")

    p.get_by_label("Remember on this device").uncheck()
    p.get_by_label("API key", exact=True).fill(API_KEY)
    p.reload()
    expect(p.get_by_label("API key", exact=True)).to_have_value("")
    expect(p.get_by_label("Remember on this device")).not_to_be_checked()

    for _ in range(20):  # the file input is reachable by keyboard, and its focus shows on the drop zone
        p.keyboard.press("Tab")
        if p.evaluate("document.activeElement.id") == "file-input":
            break
    else:
        pytest.fail("Tab never reached the file input")
    assert p.evaluate("getComputedStyle(document.getElementById('drop-zone')).outlineStyle") == "solid"
    assert page.script_errors == []
