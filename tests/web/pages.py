"""What the browser tests do on the page: log in, switch tabs, send a chat message."""

from __future__ import annotations

from playwright.sync_api import Page, expect

PASSWORD = "demo1234"
CHAT_TIMEOUT_MS = 30_000


def send(page: Page, text: str) -> str:
    """Send a chat message, wait for the turn to end, and return the last assistant message."""
    before = page.locator(".msg-assistant, .confirm-card, .line-error").count()
    box = page.get_by_role("textbox", name="Message", exact=True)
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".msg-assistant, .confirm-card, .line-error")).not_to_have_count(
        before, timeout=CHAT_TIMEOUT_MS
    )
    expect(page.locator(".composer button[type=submit]")).to_be_enabled(timeout=CHAT_TIMEOUT_MS)
    return (
        page.locator(".msg-assistant").last.inner_text()
        if page.locator(".msg-assistant").count()
        else ""
    )


def open_tab(page: Page, name: str) -> None:
    page.locator("#tabs").get_by_role("button", name=name, exact=True).click()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/")
    form = page.get_by_role("form", name="Log in")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Log in").click()
    expect(page.locator("#whoami-email")).to_have_text(email)
