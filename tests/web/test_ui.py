"""The web UI in a real browser: sign-in, chat, schedule, booking form, roles, Markdown, notes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import jwt
import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.web.conftest import ADMIN, ENGINEER, MANAGER, SECRET, LiveServer
from tests.web.pages import CHAT_TIMEOUT_MS, log_in, open_tab, send


def book(server: LiveServer, email: str, **body: object) -> dict:
    """Auto-allocate through the API (a later start up to 5 days is accepted)."""
    with server.api(email) as api:
        response = api.post(
            "/allocations/auto", json={"backup": True, "max_backup_days": 5, **body}
        )
        assert response.status_code == 201, response.text
        return response.json()["allocation"]


class TestSignIn:
    def test_demo_logins_are_offered_and_logging_in_shows_the_app(self, page: Page) -> None:
        page.goto("/")
        hint = page.get_by_label("Demo logins")
        expect(hint).to_contain_text("demo1234")
        hint.get_by_role("button", name=ENGINEER).click()
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("#whoami-email")).to_have_text(ENGINEER)
        expect(page.locator("#whoami-role")).to_have_text("user")
        expect(page.get_by_role("textbox", name="Message", exact=True)).to_be_focused()

    def test_a_wrong_password_is_explained(self, page: Page) -> None:
        page.goto("/")
        form = page.get_by_role("form", name="Log in")
        form.get_by_label("Email").fill(ENGINEER)
        form.get_by_label("Password").fill("not-the-password")
        form.get_by_role("button", name="Log in").click()
        expect(page.locator(".login-card .alert-error")).to_be_visible()
        expect(page.locator("#shell")).to_be_hidden()

    def test_a_refused_token_returns_to_login_with_a_message(
        self, page: Page, live_server: LiveServer
    ) -> None:
        log_in(page, ENGINEER)
        # A token that was valid when issued but has expired since.
        expired = jwt.encode({"sub": "3", "exp": 1_000_000_000}, SECRET, algorithm="HS256")
        page.evaluate("token => localStorage.setItem('dyno.token', token)", expired)
        open_tab(page, "Vehicles")
        expect(page.locator("#login-view")).to_contain_text(
            "Your session expired; please log in again."
        )
        expect(page.locator("#shell")).to_be_hidden()
        assert page.evaluate("localStorage.getItem('dyno.token')") is None

    def test_registration_creates_a_user_account(self, page: Page) -> None:
        page.goto("/")
        page.get_by_role("button", name="Create an account").click()
        form = page.get_by_role("form", name="Create an account")
        form.get_by_label("Email").fill("new.engineer@example.com")
        form.get_by_label("Password").fill("a-long-password")
        form.get_by_role("button", name="Create account").click()
        expect(page.locator("#whoami-email")).to_have_text("new.engineer@example.com")
        expect(page.locator("#whoami-role")).to_have_text("user")
        page.get_by_role("button", name="Log out").click()
        expect(page.locator("#login-view")).to_contain_text("You are logged out.")


class TestChat:
    def test_booking_by_chat_appears_on_the_schedule(
        self, page: Page, live_server: LiveServer
    ) -> None:
        log_in(page, ENGINEER)
        reply = send(page, "Book vehicle 5 for a brake test next Monday for 2 days")
        expect(page.locator(".line-tool").first).to_contain_text("auto_allocate_vehicle")
        expect(page.locator(".line-result.ok").first).to_contain_text("auto_allocate_vehicle")
        match = re.search(r"#(\d+)", reply)
        assert match, reply
        allocation_id = int(match.group(1))
        with live_server.api(ENGINEER) as api:
            booked = api.get(f"/allocations/{allocation_id}").json()
        assert (booked["vehicle_id"], booked["start_date"], booked["status"]) == (
            5,
            "2026-03-09",
            "scheduled",
        )

        open_tab(page, "Schedule")
        bar = page.locator(f'.bar[data-allocation-id="{allocation_id}"]')
        expect(bar).to_be_visible()
        row = page.locator(".tl-row", has=bar)
        expect(row).to_have_attribute("data-dyno", booked["dyno"]["name"])
        bar.click()
        panel = page.get_by_label("Allocation details")
        expect(panel).to_contain_text(f"Allocation #{allocation_id}")
        expect(panel).to_contain_text(f"you ({ENGINEER})")
        expect(panel.get_by_role("button", name="Cancel booking")).to_be_visible()

    def test_the_schedule_refreshes_after_a_chat_turn_without_a_reload(
        self, page: Page, live_server: LiveServer
    ) -> None:
        log_in(page, ENGINEER)
        open_tab(page, "Schedule")
        expect(page.locator(".bar").first).to_be_visible()
        open_tab(page, "Chat")
        reply = send(page, "Book vehicle 12 for a 4k certification test on 2026-03-23 for 3 days")
        allocation_id = re.search(r"#(\d+)", reply).group(1)  # type: ignore[union-attr]
        open_tab(page, "Schedule")
        expect(page.locator(f'.bar[data-allocation-id="{allocation_id}"]')).to_be_visible()

    def test_cancel_by_chat_waits_for_approve_then_cancels(
        self, page: Page, live_server: LiveServer
    ) -> None:
        allocation = book(
            live_server,
            ENGINEER,
            vehicle_id=13,
            test_type="4k certification",
            start_date="2026-03-16",
            days_to_complete=2,
        )
        log_in(page, ENGINEER)
        send(page, f"cancel allocation {allocation['id']}")
        card = page.locator(".confirm-card")
        expect(card).to_contain_text(f"#{allocation['id']}")
        with live_server.api(ENGINEER) as api:
            assert api.get(f"/allocations/{allocation['id']}").json()["status"] == "scheduled"

        card.get_by_role("button", name="Approve").click()
        expect(card).to_contain_text("Approved.")
        expect(card.get_by_role("button", name="Approve")).to_be_disabled()
        expect(page.locator(".line-result.ok").last).to_contain_text("cancel_allocation")
        expect(page.locator(".composer button[type=submit]")).to_be_enabled(timeout=CHAT_TIMEOUT_MS)
        with live_server.api(ENGINEER) as api:
            assert api.get(f"/allocations/{allocation['id']}").json()["status"] == "cancelled"

        open_tab(page, "Schedule")
        expect(page.locator(".bar").first).to_be_visible()
        bar = page.locator(f'.bar[data-allocation-id="{allocation["id"]}"]')
        expect(bar).to_have_count(0)  # "Not cancelled" is the default filter
        page.get_by_label("Status").select_option("cancelled")
        expect(bar).to_have_attribute("data-status", "cancelled")

    def test_reject_leaves_the_booking_alone(self, page: Page, live_server: LiveServer) -> None:
        allocation = book(
            live_server,
            ENGINEER,
            vehicle_id=14,
            test_type="4k certification",
            start_date="2026-04-06",
            days_to_complete=2,
        )
        log_in(page, ENGINEER)
        send(page, f"cancel allocation {allocation['id']}")
        page.locator(".confirm-card").get_by_role("button", name="Reject").click()
        expect(page.locator(".confirm-card")).to_contain_text("Rejected.")
        expect(page.locator(".composer button[type=submit]")).to_be_enabled(timeout=CHAT_TIMEOUT_MS)
        with live_server.api(ENGINEER) as api:
            assert api.get(f"/allocations/{allocation['id']}").json()["status"] == "scheduled"

    def test_conversations_are_listed_searched_reopened_and_deleted(self, page: Page) -> None:
        log_in(page, ADMIN)  # no other conversations in this module
        send(page, "What's on MPG 3 next week?")
        conversations = page.get_by_label("Conversations")
        expect(conversations.get_by_text("What's on MPG 3 next week?")).to_be_visible()
        expect(page.locator(".msg-assistant table").last).to_be_visible()

        page.get_by_role("button", name="New conversation").click()
        expect(page.locator(".msg")).to_have_count(0)
        page.get_by_label("Search conversations").fill("MPG 3")
        expect(conversations.locator("li[data-id]")).to_have_count(1)
        conversations.get_by_text("What's on MPG 3 next week?").click()
        expect(page.locator(".msg-user")).to_have_text(["What's on MPG 3 next week?"])
        expect(page.locator(".msg-assistant table")).to_be_visible()

        conversations.get_by_role("button", name=re.compile("Delete conversation")).click()
        page.get_by_role("dialog").get_by_role("button", name="Delete").click()
        expect(conversations.locator("li[data-id]")).to_have_count(0)

    def test_html_in_a_vehicles_program_shows_as_text(
        self, browser, live_server: LiveServer
    ) -> None:  # type: ignore[no-untyped-def]
        program = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
        with live_server.api(MANAGER) as api:
            created = api.post(
                "/vehicles",
                json={
                    "vin": "1FTFW1E5XPFA99999",
                    "program": program,
                    "weight_lbs": 4500,
                    "drive_type": "AWD",
                },
            )
            assert created.status_code == 201, created.text
            vehicle = created.json()
        book(
            live_server,
            ENGINEER,
            vehicle_id=vehicle["id"],
            test_type="4k certification",
            start_date="2026-04-20",
            days_to_complete=2,
        )
        # Without the page's Content-Security-Policy, so only the Markdown sanitising protects it.
        context = browser.new_context(base_url=live_server.base_url, bypass_csp=True)
        page = context.new_page()
        try:
            log_in(page, ENGINEER)
            send(page, f"show bookings of vehicle {vehicle['id']}")
            transcript = page.locator(".transcript")
            expect(transcript).to_contain_text("<script>window.__xss=1</script>")
            assert transcript.locator("script, img, [onerror]").count() == 0
            page.wait_for_timeout(200)
            assert page.evaluate("typeof window.__xss") == "undefined"

            open_tab(page, "Schedule")
            page.get_by_role("button", name="Next", exact=True).click()
            page.locator(".bar", has_text="1FTFW1E50PFA99999"[-6:]).first.click()
            expect(page.get_by_label("Allocation details")).to_contain_text(program)
            assert page.evaluate("typeof window.__xss") == "undefined"
        finally:
            context.close()

    def test_raw_html_from_a_model_is_escaped_by_the_renderer(self, page: Page) -> None:
        log_in(page, ENGINEER)
        result = page.evaluate(
            """async () => {
                const { renderMarkdown } = await import('/static/js/markdown.js');
                const box = document.createElement('div');
                box.append(renderMarkdown(
                    '<script>window.__xss=3</script>\\n\\n**bold** <b onclick="x()">b</b>\\n\\n' +
                    '| a | b |\\n|---|---|\\n| <img src=x onerror="window.__xss=4"> | ' +
                    '[link](javascript:alert(1)) |'));
                document.body.append(box);
                await new Promise(r => setTimeout(r, 100));
                const active = box.querySelectorAll(
                    'script, img, [onclick], [onerror], a[href^="javascript"]').length;
                return { html: box.innerHTML, text: box.textContent, active,
                         xss: typeof window.__xss };
            }"""
        )
        assert result["xss"] == "undefined"
        assert result["active"] == 0, result["html"]
        assert "<script" not in result["html"] and "<img" not in result["html"]
        assert "<strong>bold</strong>" in result["html"] and "<table>" in result["html"]
        assert "<script>window.__xss=3</script>" in result["text"]

    def test_sse_parser_buffers_events_split_anywhere(self, page: Page) -> None:
        log_in(page, ENGINEER)
        result = page.evaluate(
            """async () => {
                const { createParser, readEvents } = await import('/static/js/sse.js');
                const wire = ': ping\\r\\n\\r\\ndata: {"type":"token","text":"a…b"}\\r\\n\\r\\n' +
                    'data: {"type":"assistant",\\ndata: "content":"x"}\\n\\n' +
                    'data: {"type":"done"}\\r\\n\\r\\n';
                const outcomes = new Set();
                for (let size = 1; size <= wire.length; size++) {
                    const parser = createParser();
                    const events = [];
                    for (let i = 0; i < wire.length; i += size) {
                        events.push(...parser.push(wire.slice(i, i + size)));
                    }
                    events.push(...parser.end());
                    outcomes.add(JSON.stringify(events));
                }
                // Bytes split inside a multi-byte character, through the real stream reader.
                const bytes = new TextEncoder().encode(wire);
                const body = new ReadableStream({ start(c) {
                    for (const b of bytes) c.enqueue(new Uint8Array([b]));
                    c.close();
                } });
                const streamed = [];
                for await (const event of readEvents(body)) streamed.push(event);
                return { outcomes: [...outcomes], streamed: JSON.stringify(streamed) };
            }"""
        )
        expected = (
            '[{"type":"token","text":"a…b"},{"type":"assistant","content":"x"},{"type":"done"}]'
        )
        assert result["outcomes"] == [expected]
        assert result["streamed"] == expected


class TestBookForm:
    def test_a_vehicle_picked_by_vin_books_the_best_dyno_in_one_click(
        self, page: Page, live_server: LiveServer
    ) -> None:
        with live_server.api(ENGINEER) as api:
            vehicle = api.get("/vehicles/30").json()
        log_in(page, ENGINEER)
        open_tab(page, "Book")
        form = page.get_by_role("form", name="Availability search")
        form.get_by_label("Vehicle (optional)").fill(vehicle["vin"])
        expect(form.get_by_label("Drive")).to_have_value(vehicle["drive_type"])
        form.get_by_label("Test type").select_option("4k certification")
        form.get_by_label("Start date").fill("2026-04-13")
        form.get_by_label("Days").fill("3")
        form.get_by_label("Days").press("Enter")

        results = page.get_by_label("Availability", exact=True)
        free = results.get_by_label("Free dynos, best first")
        expect(free.locator("li").first).to_contain_text("best")
        best = free.locator(".free-name").first.inner_text()
        results.get_by_role("button", name="Book the best dyno").click()
        success = results.locator(".alert-success")
        expect(success).to_contain_text("Booked allocation #")
        allocation_id = int(re.search(r"#(\d+)", success.inner_text()).group(1))  # type: ignore[union-attr]
        with live_server.api(ENGINEER) as api:
            booked = api.get(f"/allocations/{allocation_id}").json()
        assert booked["vehicle_id"] == 30
        assert (booked["start_date"], booked["end_date"]) == ("2026-04-13", "2026-04-15")
        assert booked["dyno"]["name"] == best

        success.get_by_role("button", name="Show on the schedule").click()
        expect(page.get_by_label("Allocation details")).to_contain_text(
            f"Allocation #{allocation_id}"
        )
        expect(page.locator(f'.bar[data-allocation-id="{allocation_id}"]')).to_be_visible()

    def test_a_vehicle_picked_by_tag_fills_its_drive_and_the_vehicles_list_shows_tags(
        self, page: Page, live_server: LiveServer
    ) -> None:
        with live_server.api(ENGINEER) as api:
            vehicle = api.get("/vehicles/31").json()
        log_in(page, ENGINEER)
        open_tab(page, "Book")
        form = page.get_by_role("form", name="Availability search")
        form.get_by_label("Vehicle (optional)").fill(vehicle["tag"].lower())
        expect(form.get_by_label("Drive")).to_have_value(vehicle["drive_type"])
        expect(form.locator(".vehicle-info")).to_contain_text(f"#{vehicle['id']}")
        open_tab(page, "Vehicles")
        expect(page.get_by_role("cell", name="DEMO-001", exact=True)).to_be_visible()

    def test_when_nothing_is_free_the_reasons_and_earliest_date_are_shown(self, page: Page) -> None:
        log_in(page, ENGINEER)
        open_tab(page, "Book")
        form = page.get_by_role("form", name="Availability search")
        form.get_by_label("Test type").select_option("coastdown")
        form.get_by_label("Start date").fill("2026-03-02")
        form.get_by_label("Days").fill("30")
        form.get_by_label("Weight (lbs)").fill("4800")
        form.get_by_label("Drive").select_option("AWD")
        form.get_by_role("button", name="Find free dynos").click()
        results = page.get_by_label("Availability", exact=True)
        expect(results.locator("table")).to_contain_text("Track")
        expect(results).to_contain_text("Earliest free")
        expect(results.get_by_role("button", name=re.compile("Search from"))).to_be_visible()

    def test_when_nothing_is_free_the_vehicle_joins_the_waitlist_and_can_withdraw(
        self, page: Page, live_server: LiveServer
    ) -> None:
        with live_server.api(ENGINEER) as api:
            vehicles = api.get("/vehicles", params={"limit": 200}).json()["items"]

            def free_in_march(vehicle: dict) -> bool:  # else the form shows its own clash first
                booked = api.get("/allocations", params={"vehicle_id": vehicle["id"]}).json()
                return not any(
                    a["status"] != "cancelled"
                    and a["start_date"] <= "2026-03-31"
                    and a["end_date"] >= "2026-03-02"
                    for a in booked["items"]
                )

            vehicle = next(
                v
                for v in vehicles
                if (v["drive_type"], v["weight_class"]) == ("AWD", "<10K") and free_in_march(v)
            )
        log_in(page, ENGINEER)
        open_tab(page, "Book")
        form = page.get_by_role("form", name="Availability search")
        form.get_by_label("Vehicle (optional)").fill(vehicle["vin"])
        expect(form.get_by_label("Drive")).to_have_value("AWD")
        form.get_by_label("Test type").select_option("coastdown")
        form.get_by_label("Start date").fill("2026-03-02")
        form.get_by_label("Days").fill("30")
        form.get_by_role("button", name="Find free dynos").click()
        results = page.get_by_label("Availability", exact=True)
        results.get_by_role("button", name="Join waitlist").click()
        expect(results.locator(".alert-success")).to_contain_text("on the waitlist (entry #")

        results.get_by_role("button", name="Show my waitlist").click()
        entries = page.get_by_label("Waitlist entries")
        expect(entries.locator("tbody tr")).to_have_count(1)
        expect(entries).to_contain_text("coastdown")
        expect(entries).to_contain_text("waiting")
        entries.get_by_role("button", name="Withdraw").click()
        expect(entries).to_contain_text("No waitlist entries.")


class TestRoles:
    def test_a_user_sees_no_admin_screens_and_cannot_cancel_someone_elses_booking(
        self, page: Page, live_server: LiveServer
    ) -> None:
        theirs = book(
            live_server,
            MANAGER,
            vehicle_id=15,
            test_type="4k certification",
            start_date="2026-03-10",
            days_to_complete=2,
        )
        log_in(page, ENGINEER)
        expect(page.locator("#tabs")).not_to_contain_text("Users")
        page.goto("/#users")
        expect(page.get_by_role("alert")).to_contain_text("This page needs the admin role.")

        open_tab(page, "Dynos")
        expect(page.get_by_role("button", name="New dyno")).to_have_count(0)
        page.get_by_role("button", name="View MPG 5").click()
        editor = page.get_by_label("Dyno editor")
        expect(editor.get_by_role("button", name="Save rules")).to_have_count(0)
        expect(editor.get_by_label("Name")).to_be_disabled()

        open_tab(page, "Schedule")
        page.locator(f'.bar[data-allocation-id="{theirs["id"]}"]').click()
        panel = page.get_by_label("Allocation details")
        expect(panel).to_contain_text("Demo Manager")  # the booker by name, to everyone
        expect(panel.get_by_role("button", name="Cancel booking")).to_have_count(0)
        expect(panel.get_by_role("button", name="Reschedule…")).to_have_count(0)

        with live_server.api(ENGINEER) as api:
            refused = api.post(f"/allocations/{theirs['id']}/cancel")
            assert refused.status_code == 403, refused.text
            assert api.get(f"/allocations/{theirs['id']}").json()["status"] == "scheduled"

    def test_an_admin_sees_who_booked_and_manages_users(
        self, page: Page, live_server: LiveServer
    ) -> None:
        theirs = book(
            live_server,
            MANAGER,
            vehicle_id=17,
            test_type="4k certification",
            start_date="2026-03-05",
            days_to_complete=1,
        )
        log_in(page, ADMIN)
        open_tab(page, "Schedule")
        page.locator(f'.bar[data-allocation-id="{theirs["id"]}"]').click()
        panel = page.get_by_label("Allocation details")
        expect(panel).to_contain_text(MANAGER)
        expect(panel.get_by_role("button", name="Cancel booking")).to_be_visible()

        open_tab(page, "Users")
        create = page.get_by_role("form", name="Create a user")
        page.get_by_text("Create a user").click()
        create.get_by_label("Email").fill("lead@example.com")
        create.get_by_label("Password").fill("a-long-password")
        create.get_by_label("Role").select_option("power_user")
        create.get_by_role("button", name="Create user").click()
        row = page.locator("tr", has_text="lead@example.com")
        expect(row.get_by_label("Role of lead@example.com")).to_have_value("power_user")
        row.get_by_label("Role of lead@example.com").select_option("user")
        expect(page.locator(".toast").last).to_contain_text("lead@example.com updated.")
        with live_server.api(ADMIN) as api:
            users = api.get("/users", params={"q": "lead@example.com"}).json()
        assert [u["role"] for u in users] == ["user"]

    def test_a_power_user_cancels_from_the_schedule_after_confirming(
        self, page: Page, live_server: LiveServer
    ) -> None:
        theirs = book(
            live_server,
            ENGINEER,
            vehicle_id=24,
            test_type="4k certification",
            start_date="2026-03-18",
            days_to_complete=1,
        )
        log_in(page, MANAGER)
        open_tab(page, "Schedule")
        page.locator(f'.bar[data-allocation-id="{theirs["id"]}"]').click()
        page.get_by_label("Allocation details").get_by_role("button", name="Cancel booking").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("button", name="Keep it").click()
        with live_server.api(MANAGER) as api:
            assert api.get(f"/allocations/{theirs['id']}").json()["status"] == "scheduled"
        page.get_by_label("Allocation details").get_by_role("button", name="Cancel booking").click()
        page.get_by_role("dialog").get_by_role("button", name="Cancel booking").click()
        expect(page.get_by_label("Allocation details")).to_contain_text("cancelled")
        with live_server.api(MANAGER) as api:
            assert api.get(f"/allocations/{theirs['id']}").json()["status"] == "cancelled"

    def test_a_power_user_edits_rules_and_maintenance(
        self, page: Page, live_server: LiveServer
    ) -> None:
        log_in(page, MANAGER)
        open_tab(page, "Dynos")
        page.get_by_label("Search dynos").fill("MPG 22")
        page.get_by_role("button", name="Edit MPG 22").click()
        editor = page.get_by_label("Dyno editor")
        editor.get_by_role("button", name="Add rule").click()
        rule = editor.locator("tr.rule").last
        rule.get_by_label("Test type").fill("coastdown")
        rule.get_by_label("Weight class").select_option("<10K")
        editor.get_by_role("button", name="Save rules").click()
        expect(page.locator(".toast").last).to_contain_text("Rules of MPG 22 saved")

        maintenance = editor.get_by_role("form", name="Add maintenance")
        maintenance.get_by_label("From").fill("2026-06-01")
        maintenance.get_by_label("To").fill("2026-06-03")
        maintenance.get_by_label("Reason").fill("roller service")
        maintenance.get_by_role("button", name="Add maintenance").click()
        expect(editor.locator(".maint-list")).to_contain_text("roller service")

        with live_server.api(MANAGER) as api:
            dyno = api.get("/dynos/MPG 22").json()
            windows = api.get("/maintenance", params={"dyno_id": dyno["id"]}).json()
        assert {"test_type": "coastdown", "drive_type": "any", "weight_class": "<10K"} in dyno[
            "rules"
        ]
        assert [(w["start_date"], w["reason"]) for w in windows] == [
            ("2026-06-01", "roller service")
        ]


class TestScheduleAndReports:
    def test_an_owner_reschedules_from_the_details_panel_with_the_keyboard(
        self, page: Page, live_server: LiveServer
    ) -> None:
        mine = book(
            live_server,
            ENGINEER,
            vehicle_id=26,
            test_type="4k certification",
            start_date="2026-03-11",
            days_to_complete=2,
        )
        log_in(page, ENGINEER)
        open_tab(page, "Schedule")
        bar = page.locator(f'.bar[data-allocation-id="{mine["id"]}"]')
        bar.focus()
        page.keyboard.press("Enter")
        panel = page.get_by_label("Allocation details")
        expect(panel.get_by_role("heading", name=f"Allocation #{mine['id']}")).to_be_focused()
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        expect(bar).to_be_focused()

        page.keyboard.press("Enter")
        panel.get_by_role("button", name="Reschedule…").click()
        move = panel.get_by_role("form", name="Reschedule")
        move.get_by_label("New start date").fill("2026-04-01")
        move.get_by_label("Days").press("Enter")
        expect(page.locator(".toast").last).to_contain_text(f"Allocation #{mine['id']} moved to")
        with live_server.api(ENGINEER) as api:
            moved = api.get(f"/allocations/{mine['id']}").json()
        assert (moved["start_date"], moved["end_date"]) == ("2026-04-01", "2026-04-02")

    def test_zoom_move_and_filters(self, page: Page) -> None:
        log_in(page, MANAGER)
        open_tab(page, "Schedule")
        first = page.locator(".tl-title time").first
        expect(first).to_have_attribute("datetime", "2026-02-27")  # a rolling window from today
        expect(page.locator(".tl-day.today")).to_have_count(1)
        page.get_by_role("button", name="Week", exact=True).click()
        expect(first).to_have_attribute("datetime", "2026-03-01")
        expect(page.locator(".tl-day")).to_have_count(7)
        page.get_by_role("button", name="Quarter", exact=True).click()
        expect(page.locator(".tl-day")).to_have_count(91)
        page.get_by_role("button", name="Next", exact=True).click()
        expect(first).to_have_attribute("datetime", "2026-05-25")
        expect(page.locator(".tl-day.today")).to_have_count(0)
        page.get_by_role("button", name="Today", exact=True).click()
        expect(first).to_have_attribute("datetime", "2026-02-23")

        page.get_by_label("Facility").select_option("VTS")
        expect(page.locator(".tl-group")).to_have_text(["VTS"])
        expect(page.locator(".tl-row")).to_have_count(3)
        page.get_by_label("Test type").select_option("brake")
        # expect() retries until the timeline has redrawn with the filter applied
        expect(page.locator('.bar:not([aria-label*=": brake,"])')).to_have_count(0)
        expect(page.locator('.bar[aria-label*=": brake,"]')).not_to_have_count(0)
        expect(page.locator(".tl-maint")).not_to_have_count(0)

    def test_reports_chart_utilisation_and_counts(self, page: Page) -> None:
        log_in(page, ENGINEER)
        open_tab(page, "Reports")
        expect(page.locator(".chart-row")).to_have_count(23)
        expect(page.locator(".chart-row").first).to_have_attribute("data-dyno", "MPG 1")
        expect(page.locator(".big-figure")).to_contain_text("%")
        expect(page.get_by_label("Allocations by status")).to_contain_text("scheduled")
        expect(page.get_by_label("Allocations by test type")).to_contain_text("brake")
        page.get_by_role("button", name="Last month").click()
        expect(page.locator(".card h3").first).to_contain_text("1 Feb 2026 – 28 Feb 2026")

    def test_reports_show_the_lab_figures_with_the_time_saved_estimate(self, page: Page) -> None:
        log_in(page, ENGINEER)
        open_tab(page, "Reports")
        figures = page.get_by_label("Lab figures")
        expect(figures.locator(".business-backlog")).to_contain_text("open requests")
        week = figures.locator('[data-period="week"]')
        expect(week).to_contain_text("This week")
        expect(week).to_contain_text("Utilisation")
        expect(week).to_contain_text("estimate:")
        expect(figures.locator('[data-period="month"]')).to_contain_text("By facility: ")

    def test_the_page_is_served_with_a_content_security_policy(
        self, live_server: LiveServer
    ) -> None:
        import httpx

        response = httpx.get(f"{live_server.base_url}/")
        assert response.status_code == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert '<script type="module" src="/static/js/main.js">' in response.text
        for asset in (
            "/static/js/main.js",
            "/static/vendor/marked/marked.esm.js",
            "/static/vendor/dompurify/purify.min.js",
            "/static/css/app.css",
        ):
            assert httpx.get(f"{live_server.base_url}{asset}").status_code == 200, asset
        assert httpx.get(f"{live_server.base_url}/docs").status_code == 200
        assert httpx.get(f"{live_server.base_url}/api/v1/auth/me").status_code == 401


class TestCalendarFeeds:
    def test_a_feed_link_is_made_copied_read_as_icalendar_and_revoked(
        self, page: Page, live_server: LiveServer
    ) -> None:
        log_in(page, ENGINEER)
        open_tab(page, "Calendar feeds")
        form = page.get_by_role("form", name="Create a feed link")
        form.get_by_label("Label").fill("Browser test")
        form.get_by_label("Feed of").select_option("dyno")
        form.get_by_label("Dyno").select_option(label="MPG 3")
        form.get_by_role("button", name="Create feed link").click()

        link = page.get_by_role("textbox", name="Feed link")
        expect(link).to_have_value(re.compile(r"/dyno/\d+\.ics$"))
        url = link.input_value()
        assert "/api/v1/feeds/ical/" in url and re.search(r"/dyno/\d+\.ics$", url)
        feed = httpx.get(url, timeout=30)
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(feed.content)
        assert "MPG 3" in str(calendar.get("NAME"))
        assert all(str(e.uid).startswith(("allocation-", "maintenance-")) for e in calendar.events)

        row = page.locator("tr", has_text="Browser test")
        expect(row).to_be_visible()
        row.get_by_role("button", name="Revoke Browser test").click()
        page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
        expect(page.locator("tr", has_text="Browser test")).to_have_count(0)
        assert httpx.get(url, timeout=30).status_code == 404


class TestSeries:
    """The Book form's Repeat option and the series in the allocation panel."""

    def test_a_series_is_previewed_booked_shown_and_cancelled_from_the_ui(
        self, page: Page, live_server: LiveServer
    ) -> None:
        with live_server.api(ENGINEER) as api:
            vehicle = api.get("/vehicles/40").json()
        log_in(page, ENGINEER)
        open_tab(page, "Book")
        form = page.get_by_role("form", name="Availability search")
        form.get_by_label("Vehicle (optional)").fill(vehicle["vin"])
        expect(form.get_by_label("Drive")).to_have_value(vehicle["drive_type"])
        form.get_by_label("Test type").select_option("brake")
        form.get_by_label("Start date").fill("2026-06-01")
        form.get_by_label("Days").fill("1")

        page.get_by_label("Repeat this booking").check()
        page.get_by_label("Times").fill("3")
        page.get_by_role("button", name="Preview dates").click()
        dates = page.get_by_label("Dates of the series")
        expect(dates.locator("li")).to_have_count(3)
        expect(page.locator(".series-preview")).to_contain_text("Would book 3 of 3 occurrence(s)")
        page.get_by_role("button", name="Book the series").click()
        expect(page.locator(".series-preview .alert-success")).to_contain_text("Series #")

        page.locator(".series-preview").get_by_role("button", name="Show on the schedule").click()
        panel = page.get_by_label("Allocation details")
        expect(panel).to_contain_text("every Monday, 3 times")
        expect(panel.get_by_label("Occurrences of the series").locator("li")).to_have_count(3)
        panel.get_by_role("button", name="Cancel the rest of the series").click()
        page.get_by_role("button", name="Cancel the rest", exact=True).click()
        expect(page.locator(".toast").last).to_contain_text("Cancelled 3 occurrence(s)")
        with live_server.api(ENGINEER) as api:
            mine = api.get(
                "/allocations", params={"vehicle_id": 40, "start_date": "2026-06-01"}
            ).json()
        assert [a["status"] for a in mine["items"] if a["series_id"]] == ["cancelled"] * 3


class TestNotificationsScreen:
    def test_a_user_subscribes_with_a_webhook_and_an_admin_retries_a_skipped_email(
        self, page: Page, live_server: LiveServer
    ) -> None:
        import time

        log_in(page, ENGINEER)
        open_tab(page, "Notifications")
        form = page.get_by_role("form", name="Subscribe")
        form.get_by_label("Which one").fill("MPG 3")
        form.get_by_label("Webhook URL").fill("https://hooks.example.test/dyno")
        form.get_by_role("button", name="Subscribe").click()
        expect(page.get_by_role("status").filter(has_text="Webhook secret")).to_be_visible()
        row = page.get_by_label("Your subscriptions").locator("tr", has_text="Dyno MPG 3")
        expect(row).to_contain_text("https://hooks.example.test/dyno")
        row.get_by_role("button").click()
        expect(page.get_by_label("Your subscriptions")).to_contain_text("No subscriptions yet.")

        # `dyno serve` runs a worker; without SMTP it marks the demo's e-mails skipped.
        with live_server.api(ADMIN) as api:
            for _ in range(60):
                skipped = api.get("/notifications/outbox", params={"status": "skipped"}).json()
                if skipped["total"]:
                    break
                time.sleep(0.5)
        assert skipped["total"] > 0
        page.get_by_role("button", name="Log out").click()
        log_in(page, ADMIN)
        open_tab(page, "Notifications")
        page.get_by_label("Outbox status").select_option("skipped")
        first = skipped["items"][0]["id"]
        page.get_by_role("button", name=f"Retry notification {first}").click()
        expect(page.locator(".toast").last).to_contain_text(f"Notification {first} is due again.")


class TestApprovals:
    def test_an_engineers_request_is_drawn_apart_and_a_power_user_approves_it_in_the_queue(
        self, page: Page, live_server: LiveServer
    ) -> None:
        window = {"start_date": "2026-03-23", "end_date": "2026-03-25"}
        with live_server.api(MANAGER) as api:
            free = api.get(
                "/availability",
                params={**window, "test_type": "brake", "drive_type": "2WD", "weight_lbs": 5000},
            ).json()["free"]
            dyno = free[-1]
            api.patch(f"/dynos/{dyno['id']}", json={"needs_approval": True}).raise_for_status()
        try:
            with live_server.api(ENGINEER) as api:
                for vehicle_id in range(1, 61):  # the first vehicle free on those days
                    answer = api.post(
                        "/allocations",
                        json={
                            **window, "vehicle_id": vehicle_id, "dyno": dyno["id"],
                            "test_type": "brake",
                        },
                    )  # fmt: skip
                    if answer.status_code == 201:
                        break
                request = answer.json()
            assert request["status"] == "requested", request

            log_in(page, ENGINEER)
            open_tab(page, "Schedule")
            bar = page.locator(f'.bar.status-requested[data-allocation-id="{request["id"]}"]')
            expect(bar).to_be_visible()
            open_tab(page, "Approvals")
            mine = page.locator(f'tr[data-request-id="{request["id"]}"]')
            expect(mine).to_contain_text("pending")
            expect(mine.get_by_role("button", name="Approve")).to_have_count(0)

            page.get_by_role("button", name="Log out").click()
            log_in(page, MANAGER)
            open_tab(page, "Approvals")
            row = page.locator(f'tr[data-request-id="{request["id"]}"]')
            expect(row).to_contain_text(dyno["name"])
            expect(row.get_by_role("button", name="Reject")).to_be_disabled()  # no reason yet
            row.get_by_role("button", name="Approve").click()
            expect(row).to_have_count(0)
            with live_server.api(ENGINEER) as api:
                assert api.get(f"/allocations/{request['id']}").json()["status"] == "scheduled"
        finally:
            with live_server.api(MANAGER) as api:
                api.patch(f"/dynos/{dyno['id']}", json={"needs_approval": False})


# The booking form and the schedule at a glance (issue 12), in a German-locale browser: the
# vehicle's own booking shown before any Book button, errors naming the form's fields, dates in
# the user's locale with ISO on hover, the schedule's rolling window, sticky header, bar label.
@pytest.fixture
def german(browser, live_server: LiveServer) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A fresh page whose locale is German (de-DE)."""
    context = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1366, "height": 700}, locale="de-DE"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == []


def booked(server: LiveServer, email: str, **body: object) -> dict:
    with server.api(email) as api:
        response = api.post("/allocations/auto", json=body)
        assert response.status_code == 201, response.text
        return response.json()["allocation"]


class TestBookFormAtAGlance:
    def test_a_vehicle_booked_in_the_window_is_shown_before_any_book_button(
        self, german: Page, live_server: LiveServer
    ) -> None:
        mine = booked(
            live_server,
            MANAGER,
            vehicle_id=33,
            test_type="4k certification",
            start_date="2026-04-20",
            days_to_complete=3,
        )
        with live_server.api(ENGINEER) as api:
            vin = api.get(f"/vehicles/{mine['vehicle_id']}").json()["vin"]
        log_in(german, ENGINEER)
        open_tab(german, "Book")
        form = german.get_by_role("form", name="Availability search")
        form.get_by_label("Vehicle (optional)").fill(vin)
        expect(form.locator(".vehicle-info")).to_contain_text(f"#{mine['vehicle_id']}")
        form.get_by_label("Test type").select_option("4k certification")
        form.get_by_label("Start date").fill("2026-04-21")
        expect(form.get_by_label("Start date")).to_have_attribute(
            "title", "2026-04-21 (Dienstag, 21. April 2026)"
        )
        form.get_by_label("Days").fill("2")
        form.get_by_role("button", name="Find free dynos").click()

        results = german.get_by_label("Availability", exact=True)
        clash = results.locator(".vehicle-clash")
        expect(clash).to_contain_text(f"allocation #{mine['id']}")
        expect(clash).to_contain_text(mine["dyno"]["name"])
        # the booking's days in the user's locale, ISO on hover
        expect(clash.locator("time").first).to_have_text("20. Apr. 2026")
        expect(clash.locator("time").first).to_have_attribute("title", "2026-04-20")
        expect(results.get_by_role("button", name="Book the best dyno")).to_have_count(0)
        expect(results.get_by_label("Free dynos, best first")).to_have_count(0)
        expect(results.get_by_role("button", name="Search from 23. Apr. 2026")).to_be_visible()

    def test_an_error_names_the_field_by_its_label(self, german: Page) -> None:
        log_in(german, ENGINEER)
        open_tab(german, "Book")
        form = german.get_by_role("form", name="Availability search")
        form.get_by_label("Test type").select_option("brake")
        form.get_by_label("Weight (lbs)").fill("90000")
        form.get_by_label("Drive").select_option("2WD")
        form.get_by_role("button", name="Find free dynos").click()
        error = german.get_by_label("Availability", exact=True).get_by_role("alert")
        expect(error).to_contain_text("Weight (lbs):")
        expect(error).not_to_contain_text("weight_lbs")


class TestScheduleDefaults:
    def test_it_opens_a_few_days_before_today_with_a_sticky_header_and_the_chosen_label(
        self, german: Page
    ) -> None:
        log_in(german, MANAGER)
        open_tab(german, "Schedule")
        days = german.locator(".tl-day")
        expect(days.first).to_have_attribute("data-day", "2026-02-27")  # today is 2026-03-02
        expect(german.locator('.tl-day.today[data-day="2026-03-02"]')).to_have_count(1)
        expect(german.locator(".tl-title time").first).to_have_attribute("title", "2026-02-27")

        german.set_viewport_size({"width": 800, "height": 600})  # the grid overflows both ways
        box = german.locator(".tl-scroll")
        head, label = german.locator(".tl-head"), german.locator(".tl-label").first
        top, left = head.bounding_box(), label.bounding_box()
        box.evaluate("el => { el.scrollTop = 400; el.scrollLeft = 300; }")
        assert box.evaluate("el => el.scrollTop") > 0 and box.evaluate("el => el.scrollLeft") > 0
        assert head.bounding_box()["y"] == top["y"]  # type: ignore[index]
        assert german.locator(".tl-label").nth(12).bounding_box()["x"] == left["x"]  # type: ignore[index]

        bars = german.locator(".bar[data-allocation-id]")
        expect(bars.first).to_have_attribute("data-label", "tag")
        german.get_by_label("Bar label").select_option("test")
        expect(bars.first).to_have_attribute("data-label", "test")
        first = bars.first
        test_type = first.get_attribute("aria-label").split(": ")[1].split(",")[0]  # type: ignore[union-attr]
        expect(first.locator(".bar-label")).to_have_text(test_type)
        german.reload()
        open_tab(german, "Schedule")
        expect(german.get_by_label("Bar label")).to_have_value("test")
        expect(bars.first).to_have_attribute("data-label", "test")


# Notes and references on bookings (issue 12) ----------------------------------------------------
class TestNotes:
    NOTE = "waiting for <b>tyres</b>"

    def test_a_note_set_in_the_form_is_shown_edited_in_the_panel_and_found_by_search(
        self, page: Page, live_server: LiveServer
    ) -> None:
        with live_server.api(ENGINEER) as api:
            vehicle = api.get("/vehicles/31").json()
        log_in(page, ENGINEER)
        open_tab(page, "Book")
        form = page.get_by_role("form", name="Availability search")
        form.get_by_label("Vehicle (optional)").fill(vehicle["vin"])
        expect(form.get_by_label("Drive")).to_have_value(vehicle["drive_type"])
        form.get_by_label("Test type").select_option("4k certification")
        form.get_by_label("Start date").fill("2026-05-04")
        form.get_by_label("Days").fill("2")
        form.get_by_label("Reference (optional)").fill("WO-4471")
        form.get_by_label("Note (optional)").fill(self.NOTE)
        form.get_by_label("Days").press("Enter")
        results = page.get_by_label("Availability", exact=True)
        results.get_by_role("button", name="Book the best dyno").click()
        success = results.locator(".alert-success")
        expect(success).to_contain_text("Booked allocation #")
        allocation_id = int(re.search(r"#(\d+)", success.inner_text()).group(1))  # type: ignore[union-attr]
        with live_server.api(ENGINEER) as api:
            booked = api.get(f"/allocations/{allocation_id}").json()
        assert (booked["notes"], booked["reference"]) == (self.NOTE, "WO-4471")

        success.get_by_role("button", name="Show on the schedule").click()
        panel = page.get_by_label("Allocation details")
        expect(panel.locator(".allocation-reference")).to_have_text("WO-4471")
        expect(panel.locator(".allocation-note")).to_have_text(self.NOTE)  # text, not markup
        assert panel.locator(".allocation-note b").count() == 0
        bar = page.locator(f'.bar[data-allocation-id="{allocation_id}"]')
        expect(bar).to_have_attribute("title", re.compile(r"Ref: WO-4471\nNote: waiting for <b>"))

        panel.get_by_role("button", name="Edit note…").click()
        editor = panel.get_by_role("form", name="Note and reference")
        editor.get_by_label("Note").fill("tyres arrived, ready Monday")
        editor.get_by_role("button", name="Save note").click()
        expect(panel.locator(".allocation-note")).to_have_text("tyres arrived, ready Monday")
        expect(panel.locator(".allocation-reference")).to_have_text("WO-4471")

        panel.get_by_role("button", name="Close details").click()
        page.get_by_label("Search notes and references").fill("TYRES ARRIVED")
        hits = page.get_by_role("region", name="Note search results")
        hit = hits.get_by_role("button", name=re.compile(rf"^#{allocation_id} "))
        expect(hit).to_be_visible()
        expect(hits).to_contain_text("WO-4471")
        hit.click()
        expect(panel).to_contain_text(f"Allocation #{allocation_id}")
        expect(panel.locator(".allocation-note")).to_have_text("tyres arrived, ready Monday")
