"""query_database: ad-hoc read-only questions, guarded and run by `dyno_agent.adhoc`."""

from __future__ import annotations

from dyno_agent.adhoc.runner import QueryLimits, run_query
from dyno_agent.adhoc.views import describe_relations
from dyno_agent.agent.tools import args as a
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec


async def query_database(env: ToolEnv, x: a.QueryDatabaseArgs) -> ToolOutcome:
    settings = env.settings
    result = await run_query(
        env.session,
        x.sql,
        row_limit=settings.sql_row_limit,
        timeout_ms=settings.sql_timeout_ms,
        limits=QueryLimits(
            work_mem=settings.sql_work_mem,
            temp_file_limit=settings.sql_temp_file_limit,
            max_value_bytes=settings.sql_max_value_bytes,
            max_result_bytes=settings.sql_max_result_bytes,
            max_plan_bytes=settings.sql_max_plan_bytes,
        ),
    )
    return ToolOutcome.success(result.summary(), result.as_dict())


ADHOC_TOOLS = [
    ToolSpec(
        "query_database",
        "Answer an ad-hoc question with ONE read-only SELECT (CTEs allowed) over these relations "
        "only; a limited number of rows comes back with the total row count, and a query has a "
        "short time limit and size limits:\n" + describe_relations(),
        a.QueryDatabaseArgs,
        query_database,
    )
]
