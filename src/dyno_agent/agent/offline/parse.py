"""`parse_request`: intent, entities, dates and what is still missing, for the offline model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dyno_agent.agent.offline import (
    booking_actions,
    entities,
    planning,
    series,
    vocab_match,
    waitlist,
)
from dyno_agent.agent.offline.date_tokens import find_date_tokens
from dyno_agent.agent.offline.dates import DateSpec, combine
from dyno_agent.agent.offline.durations import extract_backup, find_duration
from dyno_agent.agent.offline.intents import Intent, classify
from dyno_agent.agent.offline.offsets import find_offset
from dyno_agent.agent.offline.text import Span, mask, normalize


@dataclass(frozen=True)
class Entities:
    vehicle_id: int | None = None
    vin: str | None = None
    invalid_vin: str | None = None
    allocation_id: int | None = None
    weight_lbs: int | None = None
    weight_class: str | None = None
    drive_type: str | None = None
    test_type: str | None = None
    other_test_types: tuple[str, ...] = ()
    unknown_test_type: str | None = None
    dyno: str | None = None  # a name from the vocabulary, or a dyno id as text ("7")
    backup: bool | None = None
    max_backup_days: int | None = None
    status: str | None = None
    include_disabled: bool = False
    plan_id: int | None = None
    horizon_days: int | None = None
    series_id: int | None = None  # "series 4"; or the conversation's last one (turns)
    shift_days: int | None = None  # a move by an offset ("three days later")
    extend_days: int | None = None  # a length change ("a day longer")
    # Every vehicle or booking named, in order ("vehicles 11, 12 and 19"); the first is the `_id`.
    vehicle_ids: tuple[int, ...] = ()
    allocation_ids: tuple[int, ...] = ()
    entry_id: int | None = None  # a waitlist entry ("accept offer 4")
    waitlist_action: str | None = None  # accept, decline or withdraw


@dataclass(frozen=True)
class ParsedRequest:
    """`start_date`/`end_date`/`days` are resolved for the intent (a day count from an explicit
    range, an end from a start and a day count); `missing` names what to ask for, never guess;
    `problems` names what the user said that cannot be right (an end before the start)."""

    text: str
    intent: Intent
    entities: Entities
    dates: DateSpec
    start_date: dt.date | None
    end_date: dt.date | None
    days: int | None
    missing: tuple[str, ...]
    problems: tuple[str, ...] = ()


# Requests about one booking, which a bare "#17" names.
_BOOKING_INTENTS = (Intent.CANCEL, Intent.RESCHEDULE, Intent.CHANGE_STATUS, Intent.GET_BOOKING)
_SERIES_INTENTS = (Intent.BOOK_SERIES, Intent.CANCEL_SERIES, Intent.MOVE_SERIES)
# The windows that a single day may stand for ("what's on MPG 3 on Monday").
_WINDOW_INTENTS = {Intent.DYNO_SCHEDULE, Intent.UTILIZATION, Intent.FIND_AVAILABILITY}


def extract_entities(
    text: str, test_types: Sequence[str], dyno_names: Sequence[str]
) -> tuple[Entities, str]:
    """All entities, and the text with their spans blanked (for date and duration parsing)."""
    text = normalize(text)
    spans: list[Span] = []
    dynos = vocab_match.find_dynos(text, dyno_names)
    spans += [span for _, span in dynos]
    vin = entities.find_vin(text)
    if vin:
        spans.append(vin[1])
    tests = vocab_match.find_test_types(mask(text, spans), test_types)
    spans += [span for _, span in tests]
    backup = extract_backup(mask(text, spans))
    spans += list(backup.spans)
    vehicle_ids, more_vehicles = entities.find_vehicle_ids(mask(text, spans))
    allocation_ids, more_bookings = entities.find_allocation_ids(mask(text, spans))
    spans += [*more_vehicles, *more_bookings]  # "12 and 19" is no date
    rest = mask(text, spans)
    weight = entities.find_weight_lbs(rest)
    drive = entities.find_drive_type(rest)
    dyno_id = entities.extract_dyno_id(rest)
    found = Entities(
        vehicle_id=entities.extract_vehicle_id(rest),
        vin=vin[0] if vin else None,
        invalid_vin=None if vin else entities.extract_invalid_vin(rest),
        allocation_id=entities.extract_allocation_id(rest),
        weight_lbs=weight[0] if weight else None,
        weight_class=entities.extract_weight_class(rest),
        drive_type=drive[0] if drive else None,
        test_type=tests[0][0] if tests else None,
        other_test_types=tuple(name for name, _ in tests[1:]),
        unknown_test_type=None if tests else vocab_match.extract_unknown_test_type(rest),
        dyno=dynos[0][0] if dynos else (str(dyno_id) if dyno_id is not None else None),
        backup=backup.allowed,
        max_backup_days=backup.max_days,
        status=entities.extract_status(rest),
        include_disabled=entities.mentions_disabled(rest),
        vehicle_ids=vehicle_ids,
        allocation_ids=allocation_ids,
    )
    for span in (weight, drive):
        if span:
            spans.append(span[1])
    return found, mask(text, spans)


def parse_request(
    text: str,
    today: dt.date,
    test_types: Sequence[str],
    dyno_names: Sequence[str],
    intent: Intent | None = None,
) -> ParsedRequest:
    """`intent`: the request's intent when known (an answer that continues a pending request)."""
    found, rest = extract_entities(text, test_types, dyno_names)
    if intent is None:
        intent = classify(text, dyno_names)
        has_duration = find_duration(rest) is not None
        intent, found = booking_actions.refine(intent, rest, found, has_duration)
    if intent in (Intent.PLAN, Intent.COMMIT_PLAN):
        found = replace(
            found,
            plan_id=planning.find_plan_id(text),
            horizon_days=planning.horizon_days(text, today),
            allocation_id=None,
        )
    if intent in _SERIES_INTENTS:
        found = replace(found, series_id=series.find_series_id(text), allocation_id=None)
    if intent is Intent.WAITLIST_ANSWER:
        found = replace(
            found,
            entry_id=waitlist.entry_id_of(text),
            waitlist_action=waitlist.action_of(text),
            allocation_id=None,
        )
    if intent is Intent.CHANGE_STATUS and found.status is None:
        found = replace(found, status="running")  # "booking 12 has started"
    if found.allocation_id is None and intent in _BOOKING_INTENTS:
        bare = entities.extract_bare_id(rest)
        if bare is not None and found.vehicle_id is None:
            found = replace(found, allocation_id=bare, allocation_ids=entities.find_bare_ids(rest))
    if intent in (Intent.RESCHEDULE, Intent.MOVE_SERIES):
        offset = find_offset(rest)
        if offset.span is None:  # other languages and verbs ("bump", "retrasa", "verlängern")
            offset = booking_actions.find_offset(rest)
        if offset.span is not None:
            found = replace(found, shift_days=offset.shift_days, extend_days=offset.extend_days)
            rest = mask(rest, [offset.span])
    dates = combine(rest, find_date_tokens(rest, today))
    duration = find_duration(mask(rest, dates.spans))
    days = duration[0] if duration else None
    start, end = dates.start, dates.end
    if intent is Intent.RESCHEDULE and dates.start_cue == "from" and dates.end_cue == "to":
        start, end = dates.end, None  # "move booking 17 from March 10 to March 14"
    if dates.period and intent in (Intent.BOOK, Intent.RESCHEDULE):
        end = None  # "next week" gives the earliest start, not the length of the test
    if start is not None and end is None and days is not None:
        end = start + dt.timedelta(days=days - 1)
    problems = ("end_before_start",) if start and end and end < start else ()
    if start and end and days is None and not dates.period and not problems:
        days = (end - start).days + 1
    if intent in _WINDOW_INTENTS and start is not None and end is None:
        end = start
    if intent is Intent.BOOK_SERIES:  # the pattern gives the dates; its length the days
        start, end = series.start_of(text, today), None
        days = series.occurrence_days(text)
    missing = _missing(intent, found, start, end, days)
    return ParsedRequest(text, intent, found, dates, start, end, days, missing, problems)


def _missing(
    intent: Intent, found: Entities, start: dt.date | None, end: dt.date | None, days: int | None
) -> tuple[str, ...]:
    if intent is Intent.WAITLIST_JOIN:  # the same inputs as a booking
        return _missing(Intent.BOOK, found, start, end, days)
    needs: list[str] = []
    has_vehicle = found.vehicle_id is not None or found.vin is not None
    if intent in (Intent.BOOK, Intent.CHECK_VEHICLE, Intent.BOOK_SERIES) and not has_vehicle:
        needs.append("vehicle")
    if (
        intent in (Intent.BOOK, Intent.FIND_AVAILABILITY, Intent.BOOK_SERIES)
        and not found.test_type
    ):
        needs.append("test_type")
    if intent is Intent.FIND_AVAILABILITY and not has_vehicle:  # a vehicle brings its own
        if found.weight_lbs is None and found.weight_class is None:
            needs.append("weight")
        if found.drive_type is None:
            needs.append("drive_type")
    if intent in _BOOKING_INTENTS and found.allocation_id is None:
        needs.append("allocation_id")
    if intent in (Intent.DYNO_SCHEDULE, Intent.GET_DYNO) and found.dyno is None:
        needs.append("dyno")
    if intent is Intent.COMMIT_PLAN and found.plan_id is None:
        needs.append("plan_id")
    if intent in (Intent.CANCEL_SERIES, Intent.MOVE_SERIES) and found.series_id is None:
        needs.append("series_id")
    if intent is Intent.MOVE_SERIES and not found.shift_days:
        needs.append("shift")
    if intent is Intent.TESTS_BY_STATUS and found.status is None:
        needs.append("status")
    resized = found.shift_days or found.extend_days or days is not None
    if intent is Intent.RESCHEDULE and start is None and resized:
        pass  # a move by an offset or a new length keeps what it does not name
    elif intent in (Intent.BOOK, Intent.RESCHEDULE, *_WINDOW_INTENTS) and start is None:
        needs.append("start_date")
    if intent is Intent.BOOK and days is None and end is None:
        needs.append("duration")
    if intent in _WINDOW_INTENTS and start is not None and end is None:
        needs.append("end_date")
    return tuple(needs)
