"""`classify`: which of the agent's jobs a message asks for, by exact rules and a classifier."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Sequence

from dyno_agent.agent.offline import (
    classifier,
    entities,
    feeds,
    notifications,
    planning,
    safety,
    series,
    waitlist,
)
from dyno_agent.agent.offline.date_tokens import find_date_tokens
from dyno_agent.agent.offline.sql import sql_statement
from dyno_agent.agent.offline.text import normalize
from dyno_agent.agent.offline.vocab_match import find_dynos


class Intent(enum.StrEnum):
    FIND_AVAILABILITY = "find_availability"
    BOOK = "book"
    CHECK_VEHICLE = "check_vehicle"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    MY_BOOKINGS = "my_bookings"
    CHANGE_STATUS = "change_status"
    GET_BOOKING = "get_booking"
    DYNO_SCHEDULE = "dyno_schedule"
    CONFLICTS = "conflicts"
    MAINTENANCE = "maintenance"
    COMPLETED_COUNT = "completed_count"
    TESTS_BY_STATUS = "tests_by_status"
    UTILIZATION = "utilization"
    LIST_DYNOS = "list_dynos"
    GET_DYNO = "get_dyno"
    PLAN = "plan"
    COMMIT_PLAN = "commit_plan"
    CALENDAR_FEED = "calendar_feed"
    BOOK_SERIES = "book_series"
    CANCEL_SERIES = "cancel_series"
    MOVE_SERIES = "move_series"
    SUBSCRIBE = "subscribe"
    WAITLIST_JOIN = "waitlist_join"
    WAITLIST = "waitlist"
    WAITLIST_ANSWER = "waitlist_answer"
    DATETIME = "datetime"
    HELP = "help"
    DECLINE = "destructive_or_offtopic"
    UNKNOWN = "unknown"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_OFFTOPIC = _rx(
    r"\b(?:poem|poetry|haiku|limerick|joke|jokes|song|lyrics|recipe|essay|story|novel|weather|"
    r"horoscope|bitcoin|crypto|stock\s+price|football|soccer|basketball|movie|recommend\s+a\s+book|"
    r"homework|translate|capital\s+of|meaning\s+of\s+life|president|girlfriend|boyfriend)\b|"
    r"\bwrite\s+(?:me\s+)?(?:an?\s+)?(?:python|javascript|code|script|program|letter|email)\b"
)
_DATETIME = _rx(
    r"^\W*(?:hey\W+|hi\W+|please\W+)?(?:(?:what(?:'s|\s+is)|tell\s+me)\s+(?:the\s+)?(?:date|day|time)"
    r"(?:\s+(?:is\s+it|today|now|right\s+now))?|what\s+(?:day|date|time)\s+(?:is\s+(?:it|today)|of\s+the\s+week\s+is\s+it)|"
    r"(?:what(?:'s|\s+is)\s+)?today'?s\s+date|(?:what(?:'s|\s+is)\s+)?the\s+current\s+(?:date|time)|"
    r"what(?:'s|\s+is)\s+today)\W*(?:today|now)?\W*$"
)
_HELP = _rx(
    r"^\W*(?:help|\?|what\s+can\s+you\s+do|how\s+(?:can|do)\s+(?:you|i)\s+(?:help|use\s+(?:you|this))|"
    r"what\s+do\s+you\s+do|who\s+are\s+you|what\s+are\s+you|commands|menu|usage)\W*$|"
    r"\bwhat\s+can\s+you\s+(?:do|help\s+with)\b|\bhow\s+does\s+this\s+work\b"
)
_GREETING = _rx(
    r"^\W*(?:hi|hello|hey|hiya|howdy|good\s+(?:morning|afternoon|evening)|thanks|thank\s+you|"
    r"thx|cheers|ok|okay|bye|goodbye)\b[\w\s,!.]{0,20}$"
)
_CANCEL = _rx(r"\b(?:cancel|call\s+off|scrap|delete|remove|drop|withdraw)\b")
_RESCHEDULE = _rx(
    r"\b(?:reschedule|re-schedule|rebook|re-book|move|shift|postpone|push\s+(?:back|out|it|booking)|"
    r"push|delay|bring\s+forward|pull\s+(?:it\s+)?(?:in|forward)|change\s+the\s+(?:date|start))\b"
)
# Changing a booking's length: "make #71 a day longer", "cut booking 33 to 4 days".
_RESIZE = _rx(
    r"\b(?:longer|shorter|extend|lengthen|shorten)\b|"
    r"\b(?:cut|trim|make)\b.{0,30}\bto\s+\S+\s+(?:days?|weeks?)\b|\b(?:slide|pull|bring|advance)\b"
)
_MINE = _rx(
    r"\b(?:my|mine)\s+(?:own\s+)?(?:bookings?|allocations?|reservations?|tests?)\b|"
    r"\bwhat\s+(?:did|have)\s+i\s+(?:book|reserve|schedule)(?:e?d)?\b|"
    r"\b(?:bookings?|allocations?)\s+(?:i\s+(?:made|booked|created)|made\s+by\s+me)\b|"
    # German, Spanish, Portuguese and French: "meine Buchungen", "was habe ich gebucht".
    r"\b(?:meine|mis|minhas|meus|mes)\s+(?:buchungen|reservierungen|termine|reservas|"
    r"r[ée]servations|r[ée]sas|agendamentos)\b|\bwas\s+(?:habe|hab)\s+ich\b.{0,30}\b(?:gebucht|reserviert)\b|"
    r"\bqu[ée]\s+he\s+reservado\b|\bo\s+que\s+(?:eu\s+)?reservei\b|\bqu'est-ce\s+que\s+j'ai\s+r[ée]serv[ée]\b"
)
_MARK = _rx(r"\b(?:mark|set|flag|switch|update)\b")
_STARTED = _rx(r"\b(?:started|begun|began|kicked\s+off)\b|^\W*(?:please\s+)?start\b")
_QUESTION = _rx(r"^\W*(?:is|has|was|are|did|does)\b|\?\s*$")
_CONFLICTS = _rx(
    r"\b(?:conflicts?|clash(?:es)?|overlap(?:s|ping)?|double[\s-]?book(?:ed|ings?)?)\b"
)
_MAINTENANCE = _rx(
    r"\b(?:maintenance|downtime|out\s+of\s+service|service\s+window|under\s+repair|calibration)\b"
)
_UTILIZATION = _rx(
    r"\b(?:utili[sz]ation|utili[sz]ed|usage\s+report|how\s+busy|occupancy|capacity\s+report|"
    r"load\s+report|busy\s+(?:were|are|is)|percent(?:age)?\s+(?:booked|used))\b"
)
_COUNT = _rx(r"\b(?:how\s+many|count|number\s+of|total)\b")
_COMPLETED = _rx(r"\b(?:completed?|finished|done)\b")
_BOOK = _rx(
    r"\b(?:book|allocate|reserve|assign)\b|^\W*(?:please\s+)?schedule\b|"
    r"\b(?:can|could|would)\s+you\s+(?:please\s+)?schedule\b|"
    r"\b(?:i|we)(?:'d|\s+would)?\s+(?:want|need|like)\s+to\s+schedule\b|"
    r"\bschedule\s+(?:vehicle|car|truck|vin|an?\b|my|our)|\bput\s+(?:vehicle|car|truck|vin)\b"
)
_AVAILABILITY = _rx(
    r"\b(?:available|availability|free|open\s+(?:slots?|dynos?)|vacant|unbooked|room\s+for|"
    r"which\s+dynos?\s+(?:can|could|are|is|will|would|for|fits?|handles?|supports?)|"
    r"what\s+dynos?\s+(?:can|could|fits?|handles?|supports?|for)|where\s+can\s+(?:i|we)|"
    r"find\s+(?:me\s+)?(?:a|an)\s+(?:dyno|slot)|any\s+dynos?)\b"
)
_SCHEDULE_WORDS = _rx(
    r"\b(?:what'?s\s+on|what\s+is\s+on|schedule|scheduled|calendar|booked|bookings?|allocations?|"
    r"running|busy|happening|who'?s\s+on|who\s+is\s+on|agenda|planned|on\s+it)\b"
)
_DYNO_INFO = _rx(
    r"\b(?:about|details?|info(?:rmation)?|rules?|capabilit(?:y|ies)|specs?|configuration|config|"
    r"supports?|enabled|disabled|describe|tell\s+me|what\s+can\s+\S+(?:\s+\S+)?\s+(?:test|handle|do|run))\b"
)
_LIST_DYNOS = _rx(
    r"\b(?:list|show|all|which|what|our|the)\b.{0,20}\bdynos\b|\bdynos?\s+(?:list|do\s+we\s+have)\b|"
    r"\bhow\s+many\s+dynos\b|\b(?:every|each)\s+dyno\b"
)
_DYNO_LIKE = re.compile(
    r"\bdyno\s*(?:#|id\s*)?\s*\d+\b|(?<![\w#])[A-Z]{2,5}\s?#?\s?\d{1,2}\b(?![.,]\d|\s*(?:lbs?|pounds|kg|k)\b)",
    re.IGNORECASE,
)
_NOT_DYNO_PREFIXES = ("VIN", "AWD", "FWD", "RWD", "WD", "X")
_CHECK_VEHICLE = _rx(
    r"\b(?:check|status|where|when|what|which|show|list|is|are|has|any|find|look\s*up|bookings?|"
    r"allocations?|booked|scheduled|schedule|history|tests?)\b"
)
_IT = _rx(r"\b(?:it|that|this)\b")
_VEHICLE_WORD = _rx(r"\b(?:vehicle|car|truck|vin)\b")
_REFERENCE_DAY = dt.date(2001, 1, 1)


def mentions_dyno(text: str, dyno_names: Sequence[str] = ()) -> bool:
    """A known dyno name, "dyno 3", or (with no vocabulary) a name-like code such as "MPG 3"."""
    if find_dynos(text, dyno_names) or entities.extract_dyno_id(text) is not None:
        return True
    if dyno_names:
        return False
    for match in _DYNO_LIKE.finditer(text):
        prefix = re.match(r"[A-Za-z]+", match.group(0))
        if prefix and prefix.group(0).isupper() and prefix.group(0) not in _NOT_DYNO_PREFIXES:
            return True
    return False


def _mentions_vehicle(text: str) -> bool:
    return entities.find_vin(text) is not None or entities.find_vehicle_id(text) is not None


def _mentions_date(text: str) -> bool:
    return bool(find_date_tokens(text, _REFERENCE_DAY))


def classify_by_rules(text: str, dyno_names: Sequence[str] = ()) -> Intent:
    """The first matching rule wins; the order encodes which reading is safer when two apply."""
    text = normalize(text).strip()
    if not text:
        return Intent.HELP
    if safety.must_decline(text) or _OFFTOPIC.search(text):
        return Intent.DECLINE
    if _DATETIME.search(text):
        return Intent.DATETIME
    if _HELP.search(text):
        return Intent.HELP
    if feeds.asks_for_feed(text) and not _CANCEL.search(text):
        return Intent.CALENDAR_FEED
    if (about_series := series.intent_of(text)) is not None:
        return Intent(about_series)
    if (queued := waitlist.intent_of(text)) is not None:
        return Intent(queued)
    has_vehicle = _mentions_vehicle(text)
    has_dyno = mentions_dyno(text, dyno_names)
    has_booking = entities.find_allocation_id(text) is not None
    if notifications.SUBSCRIBE.search(text):
        return Intent.SUBSCRIBE
    if planning.COMMIT.search(text) and not _CANCEL.search(text):
        return Intent.COMMIT_PLAN
    if planning.PLAN.search(text) and not _CANCEL.search(text):
        return Intent.PLAN
    if _CANCEL.search(text):
        return Intent.CANCEL
    if _RESCHEDULE.search(text) and (has_booking or not _BOOK.search(text)):
        return Intent.RESCHEDULE
    bare_id = not has_vehicle and entities.extract_bare_id(text) is not None
    if _RESIZE.search(text) and (has_booking or bare_id):
        return Intent.RESCHEDULE
    if _MINE.search(text) and not has_booking and not has_vehicle:
        return Intent.MY_BOOKINGS
    status = entities.extract_status(text) or ("running" if _STARTED.search(text) else None)
    marked = bool(_MARK.search(text)) and (has_booking or bare_id or _IT.search(text) is not None)
    declared = has_booking and not _QUESTION.search(text)  # "booking 12 has started"
    if status and (marked or declared):
        return Intent.CANCEL if status == "cancelled" else Intent.CHANGE_STATUS
    if status and has_booking:
        return Intent.GET_BOOKING  # "is booking 12 running?"
    for pattern, intent in (
        (_CONFLICTS, Intent.CONFLICTS),
        (_MAINTENANCE, Intent.MAINTENANCE),
        (_UTILIZATION, Intent.UTILIZATION),
    ):
        if pattern.search(text):
            return intent
    if _COUNT.search(text) and _COMPLETED.search(text):
        return Intent.COMPLETED_COUNT
    wants_booking = bool(_BOOK.search(text))
    vehicle_facts = bool(entities.find_weight_lbs(text) or entities.find_drive_type(text))
    if wants_booking and (has_vehicle or not vehicle_facts) and not _AVAILABILITY.search(text):
        return Intent.BOOK
    names_vehicle = has_vehicle or bool(_VEHICLE_WORD.search(text))
    if names_vehicle and _CHECK_VEHICLE.search(text) and not _AVAILABILITY.search(text):
        return Intent.CHECK_VEHICLE  # without an id or VIN the model asks which vehicle
    if has_dyno:
        if _DYNO_INFO.search(text) and not _mentions_date(text):
            return Intent.GET_DYNO
        if _SCHEDULE_WORDS.search(text) or _AVAILABILITY.search(text) or _mentions_date(text):
            return Intent.DYNO_SCHEDULE
        return Intent.GET_DYNO
    if _AVAILABILITY.search(text) or (wants_booking and vehicle_facts):
        return Intent.FIND_AVAILABILITY
    if _LIST_DYNOS.search(text) or re.search(r"\bdynos\b", text, re.IGNORECASE):
        return Intent.LIST_DYNOS
    if entities.extract_status(text):
        return Intent.TESTS_BY_STATUS
    if has_vehicle:
        return Intent.CHECK_VEHICLE
    if vehicle_facts and re.search(r"\bdyno\b", text, re.IGNORECASE):
        return Intent.FIND_AVAILABILITY
    if has_booking:
        return Intent.GET_BOOKING  # "show booking 12", "what is allocation 7?"
    if _GREETING.search(text) or re.search(r"\bhelp\b", text, re.IGNORECASE):
        return Intent.HELP
    return Intent.UNKNOWN


# Rules that are exact: anchored phrases and plan words; the classifier does not overrule them.
_EXACT = {Intent.DATETIME, Intent.HELP, Intent.PLAN, Intent.COMMIT_PLAN, Intent.CALENDAR_FEED}
_EXACT |= {Intent.BOOK_SERIES, Intent.CANCEL_SERIES, Intent.MOVE_SERIES}
_EXACT |= {Intent.SUBSCRIBE}
_EXACT |= {Intent.WAITLIST_JOIN, Intent.WAITLIST, Intent.WAITLIST_ANSWER}
# A dyno the rules found by name decides between its schedule and its details ("MPG 2", "is MPG 1
# free on Friday?"); the classifier still tells other questions about it ("in maintenance?").
_DYNO_READINGS = {Intent.DYNO_SCHEDULE, Intent.GET_DYNO}
_NEAR_DYNO_READINGS = {*_DYNO_READINGS, Intent.FIND_AVAILABILITY}
# Requests that change data: a decline the classifier finds as likely (or nearly) wins over them.
_DESTRUCTIVE_INTENTS = {Intent.CANCEL, Intent.RESCHEDULE, Intent.CHANGE_STATUS, Intent.COMMIT_PLAN}
# Margins of the classifier's linear SVM (above 0: more likely this class than the rest), chosen
# on the development half of the evaluation set (bench/bench_intents.py).
CONFIDENT = 0.0  # the classifier overrules the rules from here
PLAUSIBLE = -0.3  # the classifier's choice when the rules know nothing
CLEAR_LEAD = 0.3  # ... or when it leads the next class by this much
FAMILIAR = 0.4  # the least similarity to an example for the classifier to read a request alone
DECLINE_NEAR = 0.25  # a decline this close to the first choice of a destructive request wins


def combine(by_rules: Intent, guess: classifier.Prediction) -> Intent:
    """The rules' reading and the classifier's, as one intent; never loses a decline."""
    chosen = Intent(guess.intent)
    if by_rules is Intent.DECLINE:
        return Intent.DECLINE
    if chosen is Intent.DECLINE and by_rules in _DESTRUCTIVE_INTENTS and guess.score >= PLAUSIBLE:
        return Intent.DECLINE  # a change the classifier reads as a decline: the safe reading
    # Words the examples never saw ("flibbertigibbet") leave the classifier guessing.
    familiar = guess.familiar >= FAMILIAR
    sure = guess.score >= CONFIDENT or guess.score - guess.runner_up >= CLEAR_LEAD
    if chosen is Intent.DECLINE:
        declined = by_rules is Intent.UNKNOWN and familiar and guess.score >= PLAUSIBLE
        return Intent.DECLINE if declined else by_rules
    if by_rules in _EXACT or (by_rules in _DYNO_READINGS and chosen in _NEAR_DYNO_READINGS):
        return by_rules
    if by_rules is Intent.UNKNOWN:
        picked = chosen if familiar and (sure or guess.score >= PLAUSIBLE) else by_rules
    else:
        picked = chosen if sure else by_rules
    near = guess.decline >= PLAUSIBLE and guess.score - guess.decline <= DECLINE_NEAR
    if picked in _DESTRUCTIVE_INTENTS and near:
        return Intent.DECLINE  # a change, with a plausible decline nearly as likely: ambiguous
    return picked


def classify(text: str, dyno_names: Sequence[str] = ()) -> Intent:
    """Exact rules first (a decline, a typed query, the date, help, plans), then the classifier
    where it is confident, else the rules; a decline from either one is never lost."""
    text = normalize(text).strip()
    if not text:
        return Intent.HELP
    by_rules = classify_by_rules(text, dyno_names)
    if sql_statement(text) is not None:
        return by_rules  # a typed query is exact; the rules still decline a secret in it
    return combine(by_rules, classifier.predict(text))
