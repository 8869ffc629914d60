"""The offline model on long, odd inputs: how its reply time grows with the input's length.

    uv run python bench/bench_offline_parse.py [--sizes 500,5000,50000] [--runs 3]

A regex that backtracks quadratically turns a 5,000-character paste into seconds of CPU in the
server process. For each shape of input (a long word then spaces, a verb then spaces, a run of
one symbol) it prints the best of `--runs` reply times at each size and the growth factor from
one size to the next: about 10x for a tenfold input is linear, about 100x is quadratic. Prints
figures only; it asserts nothing on time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import time

from langchain_core.messages import HumanMessage, SystemMessage

from dyno_agent.agent.offline.model import OfflineChatModel
from dyno_agent.agent.prompts import AgentPromptContext, system_text
from dyno_agent.agent.tools import TOOLS

SHAPES = {
    "word+spaces": lambda n: "select " + "a" * n + " " * n + "!",
    "verb+spaces": lambda n: "run " + " " * n,
    "symbol run": lambda n: "<" * n,
    "digits+words": lambda n: "book vehicle " + "5 " * (n // 2),
}


async def reply_seconds(model: OfflineChatModel, system: SystemMessage, text: str) -> float:
    started = time.perf_counter()
    await model.ainvoke([system, HumanMessage(text)])
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    context = AgentPromptContext(
        today=dt.date(2026, 3, 2),
        user_email="engineer@demo.local",
        role="user",
        user_id=3,
        test_types=("brake", "emissions"),
        dynos=("MPG 1", "VTS #3"),
    )
    system = SystemMessage(system_text(context))
    model = OfflineChatModel().bind_tools([spec.schema() for spec in TOOLS.values()])
    await reply_seconds(model, system, "hello")  # warm the lazy imports
    print(f"{'input':<14}" + "".join(f"{size:>12,}" for size in sizes) + "   growth per step")
    for name, make in SHAPES.items():
        best = []
        for size in sizes:
            text = make(size)
            best.append(min([await reply_seconds(model, system, text) for _ in range(args.runs)]))
        growth = "  ".join(f"{b / a:5.1f}x" for a, b in itertools.pairwise(best))
        print(f"{name:<14}" + "".join(f"{s * 1000:>10.1f}ms" for s in best) + f"   {growth}")


if __name__ == "__main__":
    asyncio.run(main())
