"""Constant values in a parsed query, so the guard can bound what a call would produce.

Only literals and arithmetic on them count; anything read from data is unknown (None), and the
statement timeout bounds it instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from sqlglot import exp


def series_rows(
    start: exp.Expr | None, end: exp.Expr | None, step: exp.Expr | None
) -> float | None:
    """How many rows generate_series(start, end, step) gives, when its arguments are constants."""
    first, last = constant_number(start), constant_number(end)
    if first is not None and last is not None:
        size = 1.0 if step is None else constant_number(step)
    else:
        begin, finish = _moment(start), _moment(end)
        if begin is None or finish is None:
            return None
        first, last = 0.0, (finish - begin).total_seconds()
        size = _interval_seconds(step)
    if size is None or size == 0:
        return None
    return max(0.0, (last - first) / size + 1)


_ARITHMETIC: dict[type[exp.Expr], Callable[[float, float], float | None]] = {
    exp.Add: lambda a, b: a + b,
    exp.Sub: lambda a, b: a - b,
    exp.Mul: lambda a, b: a * b,
    exp.Div: lambda a, b: a / b if b else None,
    exp.Pow: lambda a, b: a**b,
}


def constant_number(node: exp.Expr | None) -> float | None:
    """The value of a constant numeric expression, or None when it is not one."""
    if isinstance(node, exp.Paren | exp.Cast):
        return constant_number(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return float(node.this)
        except ValueError:
            return None
    if isinstance(node, exp.Neg):
        value = constant_number(node.this)
        return None if value is None else -value
    operation = _ARITHMETIC.get(type(node)) if isinstance(node, exp.Binary | exp.Pow) else None
    if operation is not None and node is not None:
        left, right = constant_number(node.this), constant_number(node.expression)
        if left is None or right is None:
            return None
        try:
            result = operation(left, right)
        except OverflowError:
            return float("inf")
        return result if isinstance(result, float) else None  # None: x / 0, complex powers
    return None


_MOMENT_TYPES = {exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ}


def _moment(node: exp.Expr | None) -> dt.datetime | None:
    """The value of a constant date/timestamp expression (now() counts as one), else None."""
    if isinstance(node, exp.Paren):
        return _moment(node.this)
    if isinstance(node, exp.CurrentDate | exp.CurrentTimestamp):
        return dt.datetime.now()
    if isinstance(node, exp.Cast) and node.to.this in _MOMENT_TYPES:
        return _moment(node.this)
    if isinstance(node, exp.Literal) and node.is_string:
        try:
            return dt.datetime.fromisoformat(node.this).replace(tzinfo=None)
        except ValueError:
            return None
    if isinstance(node, exp.Add | exp.Sub):
        base = _moment(node.this)
        offset = _interval_seconds(node.expression)
        if offset is None and (days := constant_number(node.expression)) is not None:
            offset = days * 86400
        if base is None or offset is None:
            return None
        try:
            delta = dt.timedelta(seconds=offset if isinstance(node, exp.Add) else -offset)
            return base + delta
        except OverflowError:
            return None
    return None


_UNIT_SECONDS = {
    "microsecond": 1e-6, "millisecond": 1e-3, "second": 1, "sec": 1, "s": 1, "minute": 60,
    "min": 60, "m": 60, "hour": 3600, "hr": 3600, "h": 3600, "day": 86400, "d": 86400,
    "week": 7 * 86400, "w": 7 * 86400, "month": 28 * 86400, "mon": 28 * 86400,
    "year": 365 * 86400, "yr": 365 * 86400, "y": 365 * 86400, "decade": 3650 * 86400,
    "century": 36500 * 86400,
}  # fmt: skip
_INTERVAL_PART = re.compile(r"([-+]?\d+(?:\.\d+)?)\s*([a-z]+)")
_CLOCK = re.compile(r"^([-+]?)(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$")


def _interval_seconds(node: exp.Expr | None) -> float | None:
    """The length of a constant interval ('1 day', INTERVAL '2' HOUR, '01:30'), else None. Months
    count as 28 days, so row estimates err on the high side."""
    if isinstance(node, exp.Interval):
        unit = node.args.get("unit")
        text = f"{node.this.name} {unit.name if unit else ''}"
    elif isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.INTERVAL:
        text = node.this.name if isinstance(node.this, exp.Literal) else ""
    elif isinstance(node, exp.Literal) and node.is_string:
        text = node.this
    else:
        return None
    text = text.strip().lower()
    clock = _CLOCK.match(text)
    if clock:
        sign = -1 if clock.group(1) == "-" else 1
        hours, minutes, seconds = clock.group(2), clock.group(3), clock.group(4) or "0"
        return sign * (int(hours) * 3600 + int(minutes) * 60 + float(seconds))
    total, found = 0.0, False
    for amount, unit in _INTERVAL_PART.findall(text):
        singular = unit[:-1] if unit.endswith("s") and unit[:-1] in _UNIT_SECONDS else unit
        if singular == "centurie":
            singular = "century"
        if singular not in _UNIT_SECONDS:
            return None
        total, found = total + float(amount) * _UNIT_SECONDS[singular], True
    return total if found else None


def text_length(node: exp.Expr | None) -> float | None:
    """At most how many characters a constant text expression has (repeat, pad, || of literals),
    or None when it depends on data or is not one the guard knows."""
    if isinstance(node, exp.Paren | exp.Cast):
        return text_length(node.this)
    if isinstance(node, exp.Literal):
        return float(len(node.this))
    if isinstance(node, exp.Repeat):
        text, times = text_length(node.this), constant_number(node.args.get("times"))
        return None if text is None or times is None else text * max(times, 0.0)
    if isinstance(node, exp.Pad):  # lpad/rpad give exactly `length` characters
        length = constant_number(node.args.get("expression"))
        return None if length is None else max(length, 0.0)
    if isinstance(node, exp.DPipe):
        left, right = text_length(node.this), text_length(node.expression)
        return None if left is None or right is None else left + right
    if isinstance(node, exp.Concat):
        parts = [text_length(part) for part in node.expressions]
        return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
    return None
