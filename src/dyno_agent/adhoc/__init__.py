"""Read-only ad-hoc SQL for the agent's `query_database` tool: a guard, views and a runner."""

from dyno_agent.adhoc.guard import QueryRefused, ValidatedQuery, validate_query
from dyno_agent.adhoc.runner import QueryFailed, QueryResult, QueryTimeout, run_query
from dyno_agent.adhoc.views import describe_relations

__all__ = [
    "QueryFailed",
    "QueryRefused",
    "QueryResult",
    "QueryTimeout",
    "ValidatedQuery",
    "describe_relations",
    "run_query",
    "validate_query",
]
