"""Start-up: `dyno` and the API's non-agent modules do not import the heavy stacks at import time.

Each check imports the module in a fresh interpreter and reads `sys.modules`, so it is exact and
does not depend on the machine's speed. The commands import what they use when they run.
"""

from __future__ import annotations

import json
import subprocess
import sys

# Loaded only by the commands and routes that use them: the agent (LangChain, LangGraph), the SQL
# guard (sqlglot), the planner (OR-Tools), the offline model (scikit-learn), the workbooks.
AGENT_STACK = ("langchain", "langchain_core", "langgraph", "sqlglot", "ortools", "sklearn")
CLI_EXTRA = ("openpyxl", "dateparser", "fastapi", "sqlalchemy", "alembic", "psycopg", "bcrypt")

API_MODULES_WITHOUT_THE_AGENT = (
    "dyno_agent.errors",
    "dyno_agent.deps",
    "dyno_agent.health",
    "dyno_agent.auth.router",
    "dyno_agent.audit.router",
    "dyno_agent.conversations.router",
    "dyno_agent.requests.router",
    "dyno_agent.forecast.router",
    "dyno_agent.scheduling.api.allocations",
    "dyno_agent.scheduling.api.availability",
    "dyno_agent.scheduling.api.dynos",
    "dyno_agent.scheduling.api.maintenance",
    "dyno_agent.scheduling.api.reports",
    "dyno_agent.scheduling.api.vehicles",
    "dyno_agent.web.router",
)


# Run in a fresh interpreter: import each module of argv[1] in turn and print, per module, the
# packages of argv[2] that it loaded (those not loaded by an earlier one).
PROBE = """
import importlib, json, sys
modules, watched = json.loads(sys.argv[1]), json.loads(sys.argv[2])
found, seen = {}, set()
for module in modules:
    importlib.import_module(module)
    found[module] = [m for m in watched if m in sys.modules and m not in seen]
    seen.update(found[module])
print(json.dumps(found))
"""


def loaded_by(modules: tuple[str, ...], watched: tuple[str, ...]) -> dict[str, list[str]]:
    """Which of the `watched` packages each module loads at import time (only the offenders)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules), json.dumps(watched)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, list[str]] = json.loads(done.stdout)
    return {module: packages for module, packages in found.items() if packages}


def test_the_cli_imports_neither_the_agent_nor_the_database_stack_at_start():
    assert loaded_by(("dyno_agent.cli.main",), AGENT_STACK + CLI_EXTRA) == {}


def test_api_modules_outside_the_agent_do_not_import_the_agent_stack():
    assert loaded_by(API_MODULES_WITHOUT_THE_AGENT, AGENT_STACK) == {}


def test_help_lists_every_command_group_without_loading_the_agent():
    code = (
        "import sys\n"
        "from dyno_agent.cli.main import app\n"
        "try:\n"
        "    app(['--help'], prog_name='dyno')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', [m for m in {list(AGENT_STACK)!r} if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    for command in ("serve", "vehicles", "ask", "eval", "plan", "export"):
        assert command in done.stdout
    assert "LOADED []" in done.stdout


# The server loads the agent but not the stacks only a plan or a workbook export needs: OR-Tools
# (with the pandas it loads) and openpyxl (with numpy) cost each worker about 60 MB of memory.
SERVER_ON_DEMAND = ("ortools", "pandas", "openpyxl", "numpy")


def test_the_server_app_loads_the_planner_and_workbook_stacks_only_when_used():
    assert loaded_by(("dyno_agent.app", "dyno_agent.planning.service"), SERVER_ON_DEMAND) == {}
