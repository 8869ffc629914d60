"""Intent accuracy of the offline model: keyword rules, the classifier, and the two combined.

    uv run python bench/bench_intents.py [PATH ...] [--show]

Reads the evaluation sets (default: every file of eval/) and keeps each request whose intent
the expectation names: a single-turn case (or the first turn of a conversation without a
history) that expects a tool call (the tool's intent) or a refusal (a decline). SQL the user
typed goes to `query_database` before any intent is read, so those cases are left out. The cases
are split by a hash of their id into a development half (to choose thresholds on) and a
held-out half (reported, never tuned on); the classifier never trains on either: it learns from
`agent/offline/data/intent_examples.yaml`. Prints accuracy per method and split; `--show` lists
the held-out requests the combined method gets wrong.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from dyno_agent.agent.evaluation import load_cases
from dyno_agent.agent.offline import classifier
from dyno_agent.agent.offline.calls import TOOL_OF_INTENT, sql_statement
from dyno_agent.agent.offline.intents import Intent, classify, classify_by_rules
from dyno_agent.demo.workbook import DYNO_NAMES

INTENT_OF_TOOL = {tool: intent for intent, tool in TOOL_OF_INTENT.items()}
INTENT_OF_TOOL["book_on_dyno"] = Intent.BOOK


def labelled(paths: list[Path]) -> list[tuple[str, str, Intent]]:
    """(case id, request, expected intent) for every case whose intent the expectation names."""
    found = []
    for path in paths:
        for case in load_cases(path).cases:
            turn = case.turns[0]
            if case.history or turn.user is None or turn.expect is None:
                continue
            if sql_statement(turn.user) is not None:
                continue
            if turn.expect.kind == "refuse":
                found.append((case.id, turn.user, Intent.DECLINE))
            elif turn.expect.kind == "tool" and turn.expect.tool in INTENT_OF_TOOL:
                found.append((case.id, turn.user, INTENT_OF_TOOL[turn.expect.tool]))
    return found


def held_out(case_id: str) -> bool:
    return hashlib.sha256(case_id.encode()).digest()[0] % 2 == 1


def by_classifier(text: str) -> Intent:
    return Intent(classifier.predict(text).intent)


METHODS = {
    "rules": lambda text: classify_by_rules(text, DYNO_NAMES),
    "classifier": by_classifier,
    "combined": lambda text: classify(text, DYNO_NAMES),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("eval")])
    parser.add_argument("--show", action="store_true", help="list the combined method's misses")
    options = parser.parse_args()
    cases = labelled(options.paths)
    splits = {
        "development": [c for c in cases if not held_out(c[0])],
        "held-out": [c for c in cases if held_out(c[0])],
        "all": cases,
    }
    print(f"{'method':<12}" + "".join(f"{name:>22}" for name in splits))
    for method, predict in METHODS.items():
        cells = []
        for split in splits.values():
            right = sum(predict(text) is intent for _, text, intent in split)
            cells.append(f"{right}/{len(split)} {right / max(len(split), 1):7.1%}")
        print(f"{method:<12}" + "".join(f"{cell:>22}" for cell in cells))
    declines = [c for c in cases if c[2] is Intent.DECLINE]
    kept = sum(classify(text, DYNO_NAMES) is Intent.DECLINE for _, text, _ in declines)
    false = sum(
        classify(text, DYNO_NAMES) is Intent.DECLINE
        for _, text, intent in cases
        if intent is not Intent.DECLINE
    )
    print(f"declines kept (combined): {kept}/{len(declines)}; false declines: {false}")
    if options.show:
        for case_id, text, intent in splits["held-out"]:
            got = classify(text, DYNO_NAMES)
            if got is not intent:
                rules = classify_by_rules(text, DYNO_NAMES)
                guess = classifier.predict(text)
                print(f"{case_id}: {text!r} expected {intent}, got {got} (rules {rules}, {guess})")


if __name__ == "__main__":
    main()
