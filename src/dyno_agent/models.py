"""Import every mapped class, so `Base.metadata` knows all tables (Alembic, tests)."""

from dyno_agent.audit.models import AuditEntry
from dyno_agent.auth.models import User
from dyno_agent.conversations.models import Conversation, ConversationMessage
from dyno_agent.feeds.models import FeedToken
from dyno_agent.notifications.models import DeliveryAttempt, OutboxMessage, Subscription
from dyno_agent.planning.models import PlanAssignment, StoredPlan
from dyno_agent.requests.models import TestRequest
from dyno_agent.scheduling.models import (
    Allocation,
    AllocationEvent,
    AppMeta,
    Dyno,
    DynoRule,
    MaintenanceWindow,
    Vehicle,
)
from dyno_agent.series.models import BookingSeries
from dyno_agent.waitlist.models import WaitlistEntry, WaitlistWakeup

__all__ = [
    "Allocation",
    "AllocationEvent",
    "AppMeta",
    "AuditEntry",
    "BookingSeries",
    "Conversation",
    "ConversationMessage",
    "DeliveryAttempt",
    "Dyno",
    "DynoRule",
    "FeedToken",
    "MaintenanceWindow",
    "OutboxMessage",
    "PlanAssignment",
    "StoredPlan",
    "Subscription",
    "TestRequest",
    "User",
    "Vehicle",
    "WaitlistEntry",
    "WaitlistWakeup",
]
