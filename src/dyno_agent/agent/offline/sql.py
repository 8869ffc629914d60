"""`sql_statement`: the query itself when the user typed one (it goes to `query_database`)."""

from __future__ import annotations

import re

# A short lead-in before the statement: "Run this query:", "sql:", "please execute".
_LEAD_IN = re.compile(
    r"^(?:please\s+)?(?:(?:run|execute|exec|try)\b[^:\n`]{0,40}|sql|query)[:\n]", re.I
)
_ITEM = r"(?:\*|[\w.\"]+(?:\([^()]*\))?(?:\s+as\s+\w+)?)"
# What a query looks like, not English that starts with "select": `SELECT a, b FROM t`, a CTE.
_QUERY = re.compile(
    rf"^(?:select\s+(?:distinct\s+)?{_ITEM}(?:\s*,\s*{_ITEM})*\s+from\s+[\w.\"]+|"
    r"with\s+(?:recursive\s+)?\w+(?:\s*\([^()]*\))?\s+as\s*\()",
    re.I,
)


def sql_statement(message: str) -> str | None:
    """The statement when the user literally wrote a SELECT (or WITH ... SELECT) query."""
    sql = message.strip()
    if lead := _LEAD_IN.match(sql):
        sql = sql[lead.end() :].strip()
    if sql.startswith("```"):
        sql = sql[3:]
        sql = sql[3:] if sql[:3].lower() == "sql" else sql
    sql = sql.removesuffix("```").strip()
    return sql if _QUERY.match(sql) else None
