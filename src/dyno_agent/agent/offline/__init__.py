"""The offline model's request parser: pure functions from English to intents and tool arguments.

Everything here is deterministic and takes `today` and the live vocabularies as arguments; the
chat model built on top decides what to call or ask from a `ParsedRequest`.
"""

from dyno_agent.agent.offline.dates import DateSpec, extract_dates
from dyno_agent.agent.offline.durations import Backup, extract_backup, extract_duration
from dyno_agent.agent.offline.intents import Intent, classify
from dyno_agent.agent.offline.parse import Entities, ParsedRequest, extract_entities, parse_request

__all__ = [
    "Backup",
    "DateSpec",
    "Entities",
    "Intent",
    "ParsedRequest",
    "classify",
    "extract_backup",
    "extract_dates",
    "extract_duration",
    "extract_entities",
    "parse_request",
]
