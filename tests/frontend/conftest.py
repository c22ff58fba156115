"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live server.

Each test gets a fresh browser context emulating a Pixel 7 (service workers, IndexedDB and caches
start empty). Every request the page or its service worker makes is recorded, so a test can check
that nothing leaves the origin.
"""

import os
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright_session():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def chromium(playwright_session):
    browser = playwright_session.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class Phone:
    """One browser context (a phone) and its page, with what it requested."""

    def __init__(self, context, base_url: str):
        self.context = context
        self.base = base_url.rstrip("/")
        self.requests: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, fragment: str = ""):
        self.page.goto(f"{self.base}/{fragment}")
        self.page.wait_for_selector("main h1")
        return self.page

    def sign_in(self, username: str = "wang", password: str = PASSWORD):
        page = self.open()
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_selector("main .list:not([aria-busy])")
        return page

    def wait_for_service_worker(self):
        """Until the service worker has cached the shell and controls the page."""
        self.page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed: the shell is cached
        self.wait_js("Boolean(navigator.serviceWorker.controller)")

    def wait_js(self, expression: str, timeout: float = 10.0):
        """Poll a JavaScript expression until it is truthy. (page.wait_for_function evaluates its
        predicate with eval(), which the app's Content-Security-Policy rightly refuses.)"""
        deadline = time.monotonic() + timeout
        while True:
            value = self.page.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"still false after {timeout} s: {expression}")
            time.sleep(0.05)

    def shot(self, name: str, full_page: bool = False):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not (u.startswith(self.base + "/") or u.startswith(("blob:", "data:")))]


@pytest.fixture
def phone_factory(chromium, playwright_session, live_server):
    contexts = []

    def make(locale: str = "zh-CN", timezone_id: str = "Asia/Shanghai") -> Phone:
        device = {k: v for k, v in playwright_session.devices["Pixel 7"].items() if k != "default_browser_type"}
        context = chromium.new_context(**device, locale=locale, timezone_id=timezone_id)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Phone(context, live_server.url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(phone_factory) -> Phone:
    return phone_factory("zh-CN")
