"""query_database: ad-hoc read-only questions, guarded and run by `dyno_agent.adhoc`."""

from __future__ import annotations

from dyno_agent.adhoc.runner import run_query
from dyno_agent.adhoc.views import describe_relations
from dyno_agent.agent.tools import args as a
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec


async def query_database(env: ToolEnv, x: a.QueryDatabaseArgs) -> ToolOutcome:
    result = await run_query(
        env.session,
        x.sql,
        row_limit=env.settings.sql_row_limit,
        timeout_ms=env.settings.sql_timeout_ms,
    )
    return ToolOutcome.success(result.summary(), result.as_dict())


ADHOC_TOOLS = [
    ToolSpec(
        "query_database",
        "Answer an ad-hoc question with ONE read-only SELECT (CTEs allowed) over these relations "
        "only; a limited number of rows comes back with the total row count, and a query has a "
        "short time limit:\n" + describe_relations(),
        a.QueryDatabaseArgs,
        query_database,
    )
]
