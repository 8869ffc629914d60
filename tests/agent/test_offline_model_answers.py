"""The offline model's answers from tool results: every contract shape, errors, declines, and
Markdown that tool data cannot break."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from dyno_agent.agent.offline.answers import answer
from dyno_agent.agent.offline.markdown import cell, text
from tests.agent.offline_model_fixtures import (
    CONTEXT,
    allocation,
    answer_to,
    failed,
    ok,
    reply,
)

DYNO_BRIEF = {"id": 3, "name": "MPG 3", "facility": "MPG"}


def table_rows(markdown: str) -> list[list[str]]:
    """Data rows of the Markdown tables in `markdown` (header and separator lines skipped)."""
    rows, lines = [], markdown.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|") and index >= 2 and lines[index - 1].startswith("|"):
            if set(line.replace("|", "").strip()) <= {"-", " "}:
                continue
            cells = [c.strip() for c in line.strip("|").replace("\\|", "\0").split("|")]
            rows.append([c.replace("\0", "\\|") for c in cells])
    return rows


async def test_datetime() -> None:
    body = ok({"today": "2026-03-02", "weekday": "Monday", "now": "2026-03-02T09:00:00+00:00"})
    assert await answer_to("get_datetime_now", {}, body) == "Today is Monday, 2026-03-02."


async def test_a_booking_names_the_dyno_dates_and_how_to_undo_it() -> None:
    body = ok(
        {"allocation": allocation(), "message": "Allocated in requested window.", "shift_days": 0}
    )
    text_ = await answer_to("auto_allocate_vehicle", {"vehicle_id": 5}, body)
    assert text_.startswith("Booked #17: a brake test for VIN 1FTFW1E50PFA12345 on **MPG 3**")
    assert "2026-03-09 to 2026-03-10 (2 days, scheduled)" in text_
    assert 'say "cancel booking 17"' in text_
    assert "later than requested" not in text_


async def test_a_booking_moved_by_the_backup_window_says_so() -> None:
    body = ok({"allocation": allocation(), "message": "Allocated with backup.", "shift_days": 2})
    assert "2 days later than requested" in await answer_to("auto_allocate_vehicle", {}, body)


async def test_availability_lists_the_free_dynos() -> None:
    body = ok(
        {
            "test_type": "emissions",
            "drive_type": "AWD",
            "weight_class": "<10K",
            "start_date": "2026-03-10",
            "end_date": "2026-03-14",
            "compatible": True,
            "free": [
                {"id": 1, "name": "MPG 1", "facility": "MPG", "pressure": 0.1},
                {"id": 2, "name": "MPG 2", "facility": "MPG", "pressure": 0.4},
            ],
            "blocked": [],
            "earliest_start": None,
            "earliest_dyno": None,
            "message": "2 dyno(s) free: MPG 1, MPG 2.",
        }
    )
    text_ = await answer_to("find_available_dynos", {}, body)
    assert text_.startswith("2 dynos can take an emissions test (AWD, <10K)")
    assert table_rows(text_) == [["MPG 1", "MPG"], ["MPG 2", "MPG"]]


async def test_availability_without_a_free_dyno_says_why_and_when() -> None:
    body = ok(
        {
            "test_type": "brake",
            "drive_type": "2WD",
            "weight_class": "<10K",
            "start_date": "2026-03-09",
            "end_date": "2026-03-10",
            "compatible": True,
            "free": [],
            "blocked": [
                {
                    "dyno": DYNO_BRIEF,
                    "reason": "busy",
                    "detail": "booked by #4",
                    "allocation_ids": [4],
                    "maintenance_ids": [],
                }
            ],
            "earliest_start": "2026-03-11",
            "earliest_dyno": DYNO_BRIEF,
            "message": "No compatible dyno is free.",
        }
    )
    text_ = await answer_to("find_available_dynos", {}, body)
    assert table_rows(text_) == [["MPG 3", "booked", "booked by #4"]]
    assert "The earliest free start is **2026-03-11** on **MPG 3**." in text_


async def test_availability_for_an_unknown_test_says_nothing_can_run_it() -> None:
    body = ok(
        {
            "test_type": "noise",
            "drive_type": "2WD",
            "weight_class": "<10K",
            "start_date": "2026-03-09",
            "end_date": "2026-03-10",
            "compatible": False,
            "free": [],
            "blocked": [],
            "earliest_start": None,
            "earliest_dyno": None,
            "message": "No dyno is compatible with noise.",
        }
    )
    assert "No dyno in the lab can run a noise test" in await answer_to(
        "find_available_dynos", {}, body
    )


async def test_a_vehicles_bookings_are_a_table() -> None:
    body = ok(
        {
            "vehicle": {
                "id": 5,
                "vin": "1FTFW1E50PFA12345",
                "program": "F-150",
                "drive_type": "AWD",
                "weight_class": "<10K",
            },
            "allocations": [allocation(17), allocation(18, dyno=None, status="delayed")],
        }
    )
    text_ = await answer_to("check_vehicle_allocation", {"vehicle_id": 5}, body)
    assert text_.startswith("Vehicle 5 (VIN 1FTFW1E50PFA12345, F-150, AWD, <10K) has 2 bookings:")
    assert table_rows(text_) == [
        [
            "#17",
            "1FTFW1E50PFA12345",
            "brake",
            "MPG 3",
            "2026-03-09",
            "2026-03-10",
            "2",
            "scheduled",
        ],
        ["#18", "1FTFW1E50PFA12345", "brake", "-", "2026-03-09", "2026-03-10", "2", "delayed"],
    ]


async def test_a_vehicle_without_bookings() -> None:
    vehicle = {"id": 5, "vin": "V", "program": None, "drive_type": "AWD", "weight_class": "<10K"}
    body = ok({"vehicle": vehicle, "allocations": []})
    assert (await answer_to("check_vehicle_allocation", {}, body)).endswith("has no bookings.")


async def test_conflicts_and_no_conflicts() -> None:
    none = await answer_to(
        "detect_conflicts",
        {"start_date": "2026-03-09", "end_date": "2026-03-15"},
        ok({"conflicts": []}),
    )
    assert none == "No conflicts found from 2026-03-09 to 2026-03-15."
    conflict = {
        "kind": "dyno_overlap",
        "allocation_ids": [4, 9],
        "dyno": "MPG 3",
        "vin": None,
        "start_date": "2026-03-10",
        "end_date": "2026-03-11",
        "message": "Two bookings overlap on MPG 3.",
    }
    some = await answer_to("detect_conflicts", {}, ok({"conflicts": [conflict]}))
    assert some.startswith("Found 1 conflict:")
    assert table_rows(some) == [
        [
            "dyno_overlap",
            "#4, #9",
            "MPG 3",
            "-",
            "2026-03-10",
            "2026-03-11",
            "Two bookings overlap on MPG 3.",
        ]
    ]


async def test_maintenance_lists_the_unavailable_dynos_and_the_one_asked_about() -> None:
    body = ok(
        {
            "date": "2026-03-20",
            "dynos": [
                {"dyno": DYNO_BRIEF, "status": "maintenance", "reason": "rollers"},
                {
                    "dyno": {"id": 1, "name": "MPG 1", "facility": "MPG"},
                    "status": "available",
                    "reason": None,
                },
            ],
        }
    )
    call = AIMessage(
        content="",
        tool_calls=[{"name": "maintenance_check", "args": {"on_date": "2026-03-20"}, "id": "c"}],
        additional_kwargs={"offline": {"hints": {"dyno": "MPG 3"}}},
    )
    result = ToolMessage(content=json.dumps(body), tool_call_id="c", name="maintenance_check")
    text_ = (await reply("is MPG 3 down for maintenance on the 20th?", call, result)).content
    assert text_.startswith("On 2026-03-20, **MPG 3** is in maintenance (rollers).")
    assert "1 of 2 dynos unavailable on 2026-03-20" in text_
    assert table_rows(text_) == [["MPG 3", "in maintenance", "rollers"]]


async def test_maintenance_when_everything_is_available() -> None:
    body = ok({"date": "2026-03-02", "dynos": [{"dyno": DYNO_BRIEF, "status": "available"}]})
    assert (
        await answer_to("maintenance_check", {}, body) == "All 1 dyno are available on 2026-03-02."
    )


async def test_completed_count() -> None:
    assert await answer_to("completed_tests_count", {}, ok({"completed": 12})) == (
        "12 tests have been completed."
    )
    assert await answer_to("completed_tests_count", {}, ok({"completed": 1})) == (
        "1 test has been completed."
    )


async def test_tests_by_status_says_when_the_list_is_cut() -> None:
    body = ok({"status": "running", "total": 70, "allocations": [allocation(1, status="running")]})
    text_ = await answer_to("get_tests_by_status", {"status": "running"}, body)
    assert text_.startswith("70 running tests; the first 1 are listed:")
    assert len(table_rows(text_)) == 1
    empty = ok({"status": "delayed", "total": 0, "allocations": []})
    assert await answer_to("get_tests_by_status", {}, empty) == "There are no delayed tests."


async def test_query_results_are_a_table() -> None:
    body = ok(
        {
            "columns": ["name", "facility"],
            "rows": [["MPG 1", "MPG"], ["TRP #1", "TRP"]],
            "row_count": 2,
            "total_rows": 120,
            "truncated": True,
            "limit": 2,
        }
    )
    text_ = await answer_to("query_database", {"sql": "SELECT name, facility FROM dynos"}, body)
    assert text_.startswith("The query returned 120 rows; the first 2 are shown:")
    assert "| name | facility |" in text_
    assert table_rows(text_) == [["MPG 1", "MPG"], ["TRP #1", "TRP"]]


async def test_cancel_and_reschedule_confirm_what_changed() -> None:
    cancelled = ok({"allocation": allocation(17, status="cancelled")})
    assert (await answer_to("cancel_allocation", {"allocation_id": 17}, cancelled)).startswith(
        "Cancelled booking #17: a brake test for VIN 1FTFW1E50PFA12345 on **MPG 3**"
    )
    moved = ok({"allocation": allocation(17, start="2026-03-13", end="2026-03-16")})
    assert "2026-03-13 to 2026-03-16 (4 days, scheduled)" in await answer_to(
        "reschedule_allocation", {"allocation_id": 17}, moved
    )


async def test_a_dyno_schedule_lists_bookings_and_maintenance() -> None:
    body = ok(
        {
            "dyno": DYNO_BRIEF,
            "start_date": "2026-03-09",
            "end_date": "2026-03-15",
            "allocations": [allocation(17)],
            "maintenance": [
                {"id": 2, "start_date": "2026-03-14", "end_date": "2026-03-15", "reason": "belts"}
            ],
        }
    )
    text_ = await answer_to("get_dyno_schedule", {}, body)
    assert text_.startswith("**MPG 3** from 2026-03-09 to 2026-03-15: 1 booking.")
    assert table_rows(text_)[-1] == ["2026-03-14", "2026-03-15", "belts"]
    empty = ok({**body["data"], "allocations": [], "maintenance": []})
    assert await answer_to("get_dyno_schedule", {}, empty) == (
        "**MPG 3** has no bookings and no maintenance from 2026-03-09 to 2026-03-15."
    )


async def test_utilization_with_the_dyno_asked_about_first() -> None:
    row = {
        "dyno": DYNO_BRIEF,
        "available_days": 20,
        "booked_days": 5,
        "maintenance_days": 1,
        "allocations": 2,
        "test_types": ["brake"],
        "utilization": 0.25,
    }
    body = ok(
        {"start_date": "2026-02-01", "end_date": "2026-02-28", "dynos": [row], "overall": 0.25}
    )
    call = AIMessage(
        content="",
        tool_calls=[{"name": "utilization_report", "args": {}, "id": "c"}],
        additional_kwargs={"offline": {"hints": {"dyno": "MPG 3"}}},
    )
    result = ToolMessage(content=json.dumps(body), tool_call_id="c")
    text_ = (await reply("how busy was MPG 3 last month?", call, result)).content
    assert text_.startswith(
        "Overall utilisation from 2026-02-01 to 2026-02-28: **25%**. **MPG 3**: 25% "
        "(5 of 20 available days booked)."
    )
    assert table_rows(text_) == [["MPG 3", "MPG", "20", "5", "1", "2", "25%"]]


async def test_the_dyno_list_and_one_dyno() -> None:
    dyno = {
        "id": 3,
        "name": "MPG 3",
        "facility": "MPG",
        "enabled": True,
        "available_from": "2026-01-01",
        "available_to": None,
        "supported_test_types": ["brake", "emissions"],
        "supported_drives": ["2WD", "AWD"],
        "supported_weight_classes": ["<10K"],
    }
    listing = await answer_to("list_dynos", {}, ok({"dynos": [dyno]}))
    assert listing.startswith("The lab has 1 dyno:")
    assert table_rows(listing) == [
        ["MPG 3", "MPG", "yes", "brake, emissions", "2WD, AWD", "<10K", "2026-01-01 to open"]
    ]
    rules = [{"test_type": "brake", "drive_type": "AWD", "weight_class": "any"}]
    one = await answer_to(
        "get_dyno", {"dyno": "MPG 3"}, ok({"dyno": {**dyno, "notes": None, "rules": rules}})
    )
    assert one.startswith(
        "**MPG 3** (MPG, id 3) is enabled; bookable 2026-01-01 to open. It can run:"
    )
    assert table_rows(one) == [["brake", "AWD", "any"]]


async def test_no_capacity_explains_the_blocked_dynos_and_the_earliest_start() -> None:
    body = failed(
        "no_capacity",
        "No compatible dyno is free: MPG 3 (booked).",
        test_type="brake",
        drive_type="AWD",
        weight_class="<10K",
        start_date="2026-03-09",
        end_date="2026-03-10",
        compatible=True,
        blocked=[
            {"dyno": "MPG 3", "reason": "busy", "detail": "booked by #4"},
            {
                "dyno": "MPG 4",
                "reason": "maintenance",
                "detail": "maintenance 2026-03-09 to 2026-03-12",
            },
        ],
        earliest_start="2026-03-13",
        earliest_dyno="MPG 4",
        backup_days_tried=0,
    )
    args = {
        "vehicle_id": 5,
        "start_date": "2026-03-09",
        "days_to_complete": 2,
        "test_type": "brake",
    }
    text_ = await answer_to("auto_allocate_vehicle", args, body)
    assert text_.startswith(
        "No compatible dyno is free for a brake test from 2026-03-09 to 2026-03-10:"
    )
    assert table_rows(text_) == [
        ["MPG 3", "booked", "booked by #4"],
        ["MPG 4", "in maintenance", "maintenance 2026-03-09 to 2026-03-12"],
    ]
    assert "The earliest free start is **2026-03-13** on **MPG 4**." in text_
    assert 'say "Book vehicle 5 for a brake test on 2026-03-13 for 2 days"' in text_


async def test_not_compatible_lists_the_known_test_types() -> None:
    body = failed(
        "not_compatible",
        "No dyno is compatible with a noise test.",
        known_test_types=["brake", "emissions"],
    )
    text_ = await answer_to("auto_allocate_vehicle", {"test_type": "noise"}, body)
    assert text_ == "No dyno is compatible with a noise test. Known test types: brake, emissions."


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("cancel_allocation", {"allocation_id": 17}, "Okay, I left booking 17 unchanged."),
        (
            "reschedule_allocation",
            {"allocation_id": 9, "new_start_date": "2026-03-20"},
            "Okay, I left booking 9 unchanged.",
        ),
    ],
)
async def test_a_declined_change_is_acknowledged(name: str, args: dict, expected: str) -> None:  # type: ignore[type-arg]
    body = failed("declined", "The user declined; nothing was changed.")
    assert await answer_to(name, args, body) == expected


async def test_invalid_arguments_list_the_errors() -> None:
    body = failed(
        "invalid_arguments",
        "The arguments are not valid.",
        errors=[{"loc": ["start_date"], "msg": "Input should be a valid date"}],
    )
    text_ = await answer_to("auto_allocate_vehicle", {}, body)
    assert text_ == (
        "I couldn't run `auto_allocate_vehicle`: The arguments are not valid.\n"
        "- start_date: Input should be a valid date"
    )


@pytest.mark.parametrize(
    ("error", "message", "expected"),
    [
        ("vehicle_not_found", "Vehicle 99 not found.", "Check the vehicle id or VIN"),
        ("allocation_not_found", "Allocation 5 not found.", "Check the booking number"),
        ("permission_denied", "You can only change your own bookings.", "Only the booking's owner"),
        ("dyno_not_found", "Dyno 'MPG 99' not found.", "Known dynos: MPG 1, MPG 2"),
        ("vehicle_busy", "Vehicle 5 is already booked then.", "Vehicle 5 is already booked"),
    ],
)
async def test_domain_errors_are_explained(error: str, message: str, expected: str) -> None:
    text_ = await answer_to("check_vehicle_allocation", {}, failed(error, message))
    assert message in text_ and expected in text_


async def test_a_result_that_is_not_json_is_shown_escaped() -> None:
    result = answer("list_dynos", {}, "<b>boom</b>", CONTEXT)
    assert result == "The `list_dynos` tool answered: &lt;b&gt;boom&lt;/b&gt;"


async def test_html_and_table_breakers_in_tool_data_are_escaped() -> None:
    body = ok(
        {
            "vehicle": {
                "id": 5,
                "vin": "1FTFW1E50PFA12345",
                "program": "<script>alert(1)</script>",
                "drive_type": "AWD",
                "weight_class": "<10K",
            },
            "allocations": [allocation(17, test_type="brake|x\nnew row", program="<img src=x>")],
        }
    )
    text_ = await answer_to("check_vehicle_allocation", {}, body)
    assert "<script>" not in text_ and "<img" not in text_
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text_
    rows = table_rows(text_)
    assert len(rows) == 1 and len(rows[0]) == 8  # the `|` and the newline stayed inside the cell
    assert rows[0][2] == "brake\\|x new row"


async def test_markdown_links_and_code_in_tool_data_are_neutralised() -> None:
    assert text("[click](javascript:alert(1))") == "\\[click\\](javascript:alert(1))"
    assert text("`rm -rf` & *bold*") == "\\`rm -rf\\` & \\*bold\\*"
    assert text("R&D <b>x</b> &#60;") == "R&amp;D &lt;b&gt;x&lt;/b&gt; &amp;#60;"
    assert text("<10K or >10K, a <= b") == "<10K or >10K, a <= b"  # cannot start a tag
    assert cell(None) == "-" and cell(True) == "yes" and cell(["a|b", "c"]) == "a\\|b, c"
    assert text("two\r\nlines") == "two lines"


async def test_the_same_result_gives_the_same_answer() -> None:
    body = ok({"dynos": []})
    assert await answer_to("list_dynos", {}, body) == await answer_to("list_dynos", {}, body)
