"""Check one ad-hoc SQL query before it runs: a single SELECT over an allow-list.

The query is parsed with sqlglot (PostgreSQL dialect) and every relation, function and cast type in
it must be on a list here; anything else is refused with the reason, whatever the prompt said. What
runs afterwards is sqlglot's rendering of the checked tree, comments dropped, not the caller's text,
so the database executes what was checked, with every relation qualified as the `reporting` view
it reads. The runner adds the database's own guards: a READ ONLY transaction, the role that may read
only those views, a statement timeout, and bounds on memory and result size.

Values are bounded where PostgreSQL cannot: it has no per-value memory limit, so functions that
build text from constants (repeat, lpad, rpad) must build at most MAX_TEXT_LENGTH characters, and
the constant row sources of one query (generate_series) may give at most MAX_SERIES_ROWS rows
together; `max_text` tells the runner how wide such built values may be, for its plan check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from dyno_agent.adhoc.bounds import series_rows, text_length
from dyno_agent.adhoc.views import RELATIONS, SCHEMA, TABLES, VIEWS
from dyno_agent.errors import InvalidInput

MAX_SQL_LENGTH = 10_000
MAX_SERIES_ROWS = 10_000  # all constant generate_series of one query together
MAX_TEXT_LENGTH = 10_000  # what one repeat(), lpad() or rpad() builds


class QueryRefused(InvalidInput):
    """The ad-hoc query is not one the agent may run; `details.reason` says which rule it broke."""

    code = "query_refused"

    def __init__(self, message: str, reason: str, **details: Any) -> None:
        super().__init__(message, reason=reason, **details)


@dataclass(frozen=True)
class ValidatedQuery:
    sql: str  # the checked tree rendered for PostgreSQL: what runs
    relations: frozenset[str]  # the tables and views it reads
    views: tuple[str, ...]  # the joined views among them, in definition order
    max_text: int = 0  # the longest text a repeat()/lpad()/rpad() in it builds


def validate_query(sql: str) -> ValidatedQuery:
    """Parse and check `sql`; raise `QueryRefused` naming the reason when it may not run."""
    tree = _parse_one_statement(sql)
    relations: set[str] = set()
    sizes = _Sizes()
    for node in _walk(tree):
        _check_node(node, relations, sizes)
    if sizes.series_rows > MAX_SERIES_ROWS:
        raise QueryRefused(
            f"The generate_series() calls of this query would produce about "
            f"{sizes.series_rows:,.0f} rows together; the limit is {MAX_SERIES_ROWS:,}.",
            "series_too_large",
            function="generate_series",
        )
    views = tuple(name for name in VIEWS if name in relations)
    try:
        rendered = tree.sql(dialect="postgres", comments=False)
    except (SqlglotError, RecursionError) as exc:
        raise QueryRefused("The query uses syntax that cannot be checked.", "unsupported") from exc
    return ValidatedQuery(rendered, frozenset(relations), views, int(sizes.max_text))


@dataclass
class _Sizes:
    """What the constant parts of a query build: rows from generate_series, text from repeat()."""

    series_rows: float = 1.0
    max_text: float = 0.0


# Statements --------------------------------------------------------------------------------------
_QUERY_TYPES = (exp.Select, exp.SetOperation, exp.Subquery)
_WRITE_OR_CONTROL = (
    exp.DML,  # INSERT, UPDATE, DELETE, MERGE, COPY
    exp.DDL,  # CREATE ...
    exp.Drop,
    exp.Alter,
    exp.TruncateTable,
    exp.Command,  # what sqlglot cannot model: SET, VACUUM, CALL, DO, EXPLAIN, LOCK, PREPARE ...
    exp.Grant,
    exp.Revoke,
    exp.Set,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Analyze,
    exp.Describe,
    exp.Comment,
    exp.Use,
    exp.Pragma,
    exp.Kill,
    exp.Refresh,
    exp.LoadData,
    exp.Cache,
    exp.Uncache,
    exp.Show,
    exp.Declare,
    exp.Execute,
)


def _parse_one_statement(sql: str) -> exp.Expr:
    if not isinstance(sql, str) or not sql.strip():
        raise QueryRefused("The query is empty; send one SELECT statement.", "empty")
    if len(sql) > MAX_SQL_LENGTH:
        raise QueryRefused(
            f"The query is {len(sql)} characters long; the limit is {MAX_SQL_LENGTH}.", "too_long"
        )
    try:
        parsed = sqlglot.parse(sql, read="postgres")
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        where = f" (line {first['line']}, column {first['col']})" if "line" in first else ""
        description = first.get("description") or str(exc).splitlines()[0]
        raise QueryRefused(
            f"The SQL could not be parsed: {description}{where}.", "parse_error"
        ) from exc
    except RecursionError as exc:
        raise QueryRefused("The query is nested too deeply to check.", "too_complex") from exc
    except (SqlglotError, ValueError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise QueryRefused(f"The SQL could not be parsed: {message}.", "parse_error") from exc
    statements = [s for s in parsed if s is not None and not isinstance(s, exp.Semicolon)]
    if not statements:
        raise QueryRefused("The query is empty; send one SELECT statement.", "empty")
    if len(statements) > 1:
        raise QueryRefused(
            f"Only one statement is allowed; this has {len(statements)}.", "multiple_statements"
        )
    statement = statements[0]
    if not isinstance(statement, _QUERY_TYPES):
        raise QueryRefused(
            f"Only SELECT queries are allowed; this is a {_statement_kind(statement)} statement.",
            "not_select",
            statement=_statement_kind(statement),
        )
    return statement


def _statement_kind(node: exp.Expr) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).split()[0].upper() if node.this else "a command"
    return node.key.upper()


def _walk(tree: exp.Expr) -> Iterator[exp.Expr]:
    try:
        yield from tree.walk()
    except RecursionError as exc:
        raise QueryRefused("The query is nested too deeply.", "too_complex") from exc


# Every node --------------------------------------------------------------------------------------
_SPECIAL_NAMES = frozenset(
    {"user", "current_user", "session_user", "current_role", "system_user", "current_catalog"}
)


def _check_node(node: exp.Expr, relations: set[str], sizes: _Sizes) -> None:
    if isinstance(node, _WRITE_OR_CONTROL):
        kind = _statement_kind(node)
        message = f"Only reading is allowed; the query contains {kind}."
        raise QueryRefused(message, "write_operation", statement=kind)
    if isinstance(node, exp.Into):
        raise QueryRefused("SELECT ... INTO creates a table; it is not allowed.", "select_into")
    if isinstance(node, exp.Lock):
        raise QueryRefused(
            "Locking clauses (FOR UPDATE / FOR SHARE) are not allowed.", "locking_clause"
        )
    if isinstance(node, exp.Placeholder | exp.Parameter | exp.SessionParameter):
        raise QueryRefused(
            "Query parameters and variables are not supported; write the values in the SQL.",
            "parameters",
        )
    if isinstance(node, exp.Table):
        name = _check_relation(node)
        if name is not None:
            relations.add(name)
    elif isinstance(node, exp.Func):
        _check_function(node, sizes)
    elif isinstance(node, exp.DataType):
        _check_type(node)
    elif isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
        raise _function_refused(_function_name(node.expression), qualified=True)
    elif isinstance(node, exp.Column) and not node.table:
        ident = node.this
        if (
            isinstance(ident, exp.Identifier)
            and not ident.quoted
            and _fold(ident.this) in _SPECIAL_NAMES
        ):
            raise _function_refused(_fold(ident.this))


# Relations ---------------------------------------------------------------------------------------
_ALLOWED_LIST = ", ".join(sorted(TABLES)) + "; views: " + ", ".join(VIEWS)
_ALLOWED_SCHEMAS = frozenset({"public", SCHEMA})  # public.x: the model's habit for the same view


def _fold(name: str) -> str:
    """PostgreSQL's folding of an unquoted identifier: ASCII letters only (Python's lower() maps
    e.g. the Kelvin sign to 'k', which the server does not)."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ident(node: exp.Expr | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else _fold(node.this)
    return _fold(node.name)


def _check_relation(table: exp.Table) -> str | None:
    """The allowed relation `table` reads, None for a CTE or a function in FROM; else refuse."""
    this = table.this
    schema, catalog = table.args.get("db"), table.args.get("catalog")
    if this is None and table.args.get("rows_from"):
        return None  # ROWS FROM (f(...), ...): the functions are checked on their own
    if isinstance(this, exp.Func):
        if schema is not None or catalog is not None:
            raise _function_refused(_function_name(this), qualified=True)
        return None
    if not isinstance(this, exp.Identifier):
        raise QueryRefused("This kind of FROM source is not supported.", "unsupported_source")
    name = _ident(this) or ""
    if schema is None and catalog is None and name in _visible_ctes(table):
        return None
    if catalog is not None or (schema is not None and _ident(schema) not in _ALLOWED_SCHEMAS):
        qualified = ".".join(p for p in (table.catalog, table.db, this.this) if p)
        raise QueryRefused(
            f"{qualified} is outside the relations ad-hoc queries may read ({_ALLOWED_LIST}).",
            "forbidden_relation",
            relation=qualified,
        )
    if name not in RELATIONS:
        raise QueryRefused(
            f"{name} is not a relation ad-hoc queries may read; they may read {_ALLOWED_LIST}.",
            "forbidden_relation",
            relation=name,
        )
    table.set("db", exp.to_identifier(SCHEMA))  # what runs reads the reporting view, always
    return name


def _visible_ctes(node: exp.Expr) -> set[str]:
    """The CTE names in scope at `node`, following PostgreSQL: a CTE sees the ones defined before
    it (all of them, itself included, under WITH RECURSIVE); the query body sees them all."""
    names: set[str] = set()
    child, parent = node, node.parent
    while parent is not None:
        if isinstance(parent, exp.With):
            ctes = list(parent.expressions)
            index = next((i for i, cte in enumerate(ctes) if cte is child), len(ctes))
            visible = ctes if parent.args.get("recursive") else ctes[:index]
            names.update(_ident(cte.args["alias"].this) or "" for cte in visible)
        else:
            with_ = parent.args.get("with_")
            if isinstance(with_, exp.With) and child is not with_:
                names.update(_ident(cte.args["alias"].this) or "" for cte in with_.expressions)
        child, parent = parent, parent.parent
    return names


# Functions ---------------------------------------------------------------------------------------
# sqlglot gives the functions it knows their own node types, and the rest `Anonymous`. Both lists
# name what is allowed; everything else, including anything new or unknown, is refused.
_ALLOWED_FUNCTION_TYPES: frozenset[type[exp.Func]] = frozenset(
    {
        # aggregates
        exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max, exp.LogicalAnd, exp.LogicalOr,
        exp.GroupConcat, exp.ArrayAgg, exp.JSONArrayAgg, exp.JSONObjectAgg, exp.JSONBObjectAgg,
        exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance, exp.VariancePop,
        exp.PercentileCont, exp.PercentileDisc, exp.Mode, exp.Corr, exp.CovarPop, exp.CovarSamp,
        # window functions
        exp.RowNumber, exp.Rank, exp.DenseRank, exp.PercentRank, exp.CumeDist, exp.Ntile,
        exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue,
        # operators sqlglot models as functions
        exp.And, exp.Or, exp.Xor, exp.ArrayContains, exp.JSONArrayContains, exp.JSONBContains,
        exp.JSONBContainsTopKey, exp.JSONBContainsAnyTopKeys, exp.JSONBContainsAllTopKeys,
        exp.JSONBPathExists, exp.JSONBDeleteAtPath, exp.MatchAgainst,
        # conditionals, casts, predicates
        exp.Coalesce, exp.Nullif, exp.Greatest, exp.Least, exp.Case, exp.If, exp.Cast,
        exp.Exists, exp.Collate,
        # dates and times
        exp.CurrentDate, exp.CurrentTimestamp, exp.CurrentTime, exp.Localtime,
        exp.Localtimestamp, exp.TimestampTrunc, exp.DateTrunc, exp.Extract, exp.MakeInterval,
        exp.TimestampFromParts, exp.TimeToStr, exp.StrToDate, exp.StrToTime, exp.UnixToTime,
        exp.ToNumber, exp.JustifyDays, exp.JustifyHours, exp.JustifyInterval, exp.DateBin,
        exp.Date,
        # text
        exp.Lower, exp.Upper, exp.Length, exp.Initcap, exp.Trim, exp.Substring, exp.Left,
        exp.Right, exp.StrPosition, exp.Replace, exp.SplitPart, exp.Concat, exp.ConcatWs,
        exp.Pad, exp.Repeat, exp.Reverse, exp.StartsWith, exp.RegexpReplace, exp.RegexpLike,
        exp.RegexpILike, exp.RegexpCount, exp.RegexpSubstr, exp.Translate, exp.MD5, exp.Ascii,
        exp.Chr,
        # arrays and JSON
        exp.Array, exp.StringToArray, exp.ArrayToString, exp.Explode, exp.Unnest, exp.ArraySize,
        exp.ArrayPosition, exp.ArrayRemove, exp.ArrayAppend, exp.ArrayPrepend, exp.ArrayConcat,
        exp.ArrayContainsAll, exp.ArrayOverlaps, exp.ArrayContainedBy, exp.JSONExtract,
        exp.JSONExtractScalar, exp.JSONBExtract, exp.JSONBExtractScalar,
        # numbers
        exp.Abs, exp.Ceil, exp.Floor, exp.Round, exp.Trunc, exp.Sign, exp.Sqrt, exp.Cbrt,
        exp.Pow, exp.Exp, exp.Ln, exp.Log, exp.Pi, exp.Rand, exp.WidthBucket, exp.Degrees,
        exp.Radians,
        # row sources (bounds checked below)
        exp.GenerateSeries, exp.ExplodingGenerateSeries,
    }
)  # fmt: skip
_ALLOWED_FUNCTION_NAMES = frozenset(
    {
        "every", "jsonb_agg", "bit_and", "bit_or", "num_nulls", "num_nonnulls",
        "age", "make_date", "make_timestamptz", "isfinite", "clock_timestamp",
        "statement_timestamp", "transaction_timestamp",
        "daterange", "tsrange", "tstzrange", "int4range", "int8range", "numrange", "isempty",
        "lower_inc", "upper_inc", "lower_inf", "upper_inf",
        "octet_length", "regexp_match", "regexp_matches", "regexp_split_to_array",
        "cardinality", "array_lower", "array_upper", "gcd", "lcm", "scale", "row", "all", "some",
        "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array",
        "to_json", "to_jsonb", "row_to_json", "json_array_elements", "jsonb_array_elements",
        "json_array_elements_text", "jsonb_array_elements_text", "json_each", "jsonb_each",
        "json_each_text", "jsonb_each_text", "json_object_keys", "jsonb_object_keys",
        "json_extract_path", "jsonb_extract_path", "jsonb_extract_path_text",
        "json_array_length", "jsonb_array_length", "json_typeof", "jsonb_typeof",
    }
)  # fmt: skip
# Clearer words for the ones people (and prompts) reach for; a trailing "*" names a family.
_WHY_NOT = {
    "pg_sleep*": "it stalls the database",
    "pg_read*": "it reads files on the database server",
    "pg_ls_*": "it lists files on the database server",
    "pg_stat_file": "it reads files on the database server",
    "lo_*": "large objects reach files on the database server",
    "dblink*": "it connects to other databases",
    "set_config": "it changes session settings",
    "current_setting": "it reads server settings",
    "pg_terminate_backend": "it ends other sessions",
    "pg_cancel_backend": "it cancels other sessions' queries",
    "pg_advisory*": "it takes locks",
    "pg_try_advisory*": "it takes locks",
    "txid_*": "it touches transaction ids",
    "pg_current_xact*": "it touches transaction ids",
    "query_to_xml*": "it runs SQL given as text",
    "table_to_xml*": "it reads whole tables around the allow-list",
    "cursor_to_xml*": "it reads cursors",
    "schema_to_xml*": "it reads whole schemas",
    "database_to_xml*": "it reads the whole database",
    "nextval": "it changes sequences",
    "setval": "it changes sequences",
    "currval": "it reads sequences",
    "lastval": "it reads sequences",
    "pg_notify": "it sends notifications",
    "current_user": "it reveals the database role",
    "session_user": "it reveals the database role",
    "user": "it reveals the database role",
    "current_role": "it reveals the database role",
    "system_user": "it reveals the database role",
    "current_catalog": "it reveals server details",
    "current_database": "it reveals server details",
    "version": "it reveals server details",
}


def _why_not(name: str) -> str | None:
    for pattern, why in _WHY_NOT.items():
        if name == pattern or (pattern.endswith("*") and name.startswith(pattern[:-1])):
            return why
    return None


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        name = _ident(node.this) if isinstance(node.this, exp.Identifier) else None
        return name or _fold(node.name)
    return node.sql_name().lower()


def _function_refused(name: str, qualified: bool = False) -> QueryRefused:
    if qualified:
        return QueryRefused(
            f"Schema-qualified functions such as ...{name}() are not allowed; call built-ins "
            "by their plain name.",
            "forbidden_function",
            function=name,
        )
    why = _why_not(name)
    if why:
        message = f"The function {name}() is not allowed: {why}."
    else:
        message = f"The function {name}() is not on the list of functions ad-hoc queries may use."
    return QueryRefused(message, "forbidden_function", function=name)


def _check_function(node: exp.Func, sizes: _Sizes) -> None:
    if isinstance(node, exp.Anonymous):
        if isinstance(node.this, exp.Identifier) and node.this.quoted:
            raise QueryRefused(
                "Quoted function names are not allowed; write built-ins unquoted.",
                "forbidden_function",
                function=node.this.this,
            )
        name = _function_name(node)
        if name not in _ALLOWED_FUNCTION_NAMES:
            raise _function_refused(name)
        return
    if type(node) not in _ALLOWED_FUNCTION_TYPES:
        raise _function_refused(_function_name(node))
    if isinstance(node, exp.CurrentTime):  # sqlglot would render CURRENT_TIME(), which fails
        node.replace(exp.cast(exp.CurrentTimestamp(), exp.DataType.Type.TIMETZ))
    elif isinstance(node, exp.GenerateSeries | exp.ExplodingGenerateSeries):
        _check_series(node, sizes)
    elif isinstance(node, exp.Repeat | exp.Pad):
        _check_text_length(node, sizes)


def _check_text_length(node: exp.Repeat | exp.Pad, sizes: _Sizes) -> None:
    """repeat(), lpad() and rpad() must build a known, short text: for repeat() both the text and
    the count count (repeat(repeat('x', 10000), 10000) is 100 MB), lpad/rpad give their length."""
    name = "repeat" if isinstance(node, exp.Repeat) else "lpad" if node.args["is_left"] else "rpad"
    length = text_length(node)
    if length is None or length > MAX_TEXT_LENGTH:
        what = "text and count" if name == "repeat" else "length"
        raise QueryRefused(
            f"{name}() needs a constant {what} building at most {MAX_TEXT_LENGTH:,} characters.",
            "too_large",
            function=name,
        )
    sizes.max_text = max(sizes.max_text, length)


def _check_series(node: exp.Func, sizes: _Sizes) -> None:
    """Refuse a generate_series whose constant bounds give more than MAX_SERIES_ROWS rows, alone or
    multiplied with the query's other constant ones. Bounds read from data are left to the runner
    (its plan check and the statement timeout)."""
    rows = series_rows(node.args.get("start"), node.args.get("end"), node.args.get("step"))
    if rows is None:
        return
    if rows > MAX_SERIES_ROWS:
        raise QueryRefused(
            f"generate_series() would produce about {rows:,.0f} rows; the limit is "
            f"{MAX_SERIES_ROWS:,}.",
            "series_too_large",
            function="generate_series",
        )
    sizes.series_rows *= max(rows, 1.0)


# Types -------------------------------------------------------------------------------------------
_T = exp.DataType.Type
_ALLOWED_TYPES = frozenset(
    {
        _T.SMALLINT, _T.INT, _T.BIGINT, _T.DECIMAL, _T.DOUBLE, _T.FLOAT, _T.TEXT, _T.VARCHAR,
        _T.CHAR, _T.BPCHAR, _T.DATE, _T.TIMESTAMP, _T.TIMESTAMPTZ, _T.TIME, _T.TIMETZ,
        _T.INTERVAL, _T.BOOLEAN, _T.JSON, _T.JSONB, _T.UUID, _T.ARRAY, _T.DATERANGE,
        _T.TSRANGE, _T.TSTZRANGE, _T.INT4RANGE, _T.INT8RANGE, _T.NUMRANGE,
    }
)  # fmt: skip


def _check_type(node: exp.DataType) -> None:
    if type(node) is not exp.DataType or node.this not in _ALLOWED_TYPES:
        name = node.sql(dialect="postgres")
        raise QueryRefused(
            f"Casting to {name} is not allowed; use numbers, text, dates, times, intervals, "
            "booleans, JSON or arrays of them.",
            "forbidden_type",
            type=name,
        )
