"""The conversations service: titles, stored messages, own-only listing and search, deletion."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.conversations import service
from dyno_agent.conversations.models import (
    TITLE_MAX,
    Conversation,
    ConversationMessage,
    MessageRole,
)
from dyno_agent.errors import ConversationNotFound, InvalidInput, NotFound
from tests.factories import make_user

# Titles ------------------------------------------------------------------------------------------


def test_a_short_first_message_is_the_title_on_one_line():
    assert service.title_from("  Book vehicle 5\n for a  brake test ") == (
        "Book vehicle 5 for a brake test"
    )


def test_an_empty_first_message_gives_a_placeholder_title():
    assert service.title_from(" \n\t ") == service.UNTITLED


def test_a_long_first_message_is_cut_on_a_word_boundary_with_an_ellipsis():
    message = (
        "Please book VIN 1FTFW1E50PFA12345 for a brake test next Monday for three days "
        "on MPG 3 if free"
    )  # character 80 falls inside "on"
    title = service.title_from(message)
    assert len(title) <= TITLE_MAX
    assert title.endswith("…")
    head = title.removesuffix("…")
    assert message.startswith(head)
    assert message[len(head)] == " "  # the cut falls between two words
    assert head == "Please book VIN 1FTFW1E50PFA12345 for a brake test next Monday for three days"


def test_a_cut_that_falls_on_a_space_keeps_the_last_whole_word():
    message = (
        "Book VIN 1FTFW1E50PFA12345 for a brake test next Monday for three days and "
        "tell me which dyno it lands on"
    )  # character 80 is the space after "tell"
    assert service.title_from(message) == (
        "Book VIN 1FTFW1E50PFA12345 for a brake test next Monday for three days and tell…"
    )


def test_a_message_of_exactly_the_limit_is_kept_whole():
    message = "x" * (TITLE_MAX - 10) + " " + "y" * 9
    assert len(message) == TITLE_MAX
    assert service.title_from(message) == message


def test_a_long_word_without_spaces_is_cut_hard():
    title = service.title_from("a " + "z" * 200)
    assert len(title) == TITLE_MAX and title.endswith("z…")


# Create, messages, read ---------------------------------------------------------------------------


async def test_create_conversation_stores_a_row_with_a_server_uuid_and_timestamps(
    session: AsyncSession,
):
    user = await make_user(session)
    conversation = await service.create_conversation(session, user.id, "What's on MPG 3?")
    assert isinstance(conversation.id, uuid.UUID)
    assert conversation.title == "What's on MPG 3?"
    assert conversation.created_at == conversation.updated_at
    row = (
        await session.execute(
            text("SELECT owner_id, title FROM conversations WHERE id = :id"),
            {"id": conversation.id},
        )
    ).one()
    assert tuple(row) == (user.id, "What's on MPG 3?")


async def test_add_message_appends_in_order_and_bumps_updated_at(session: AsyncSession):
    user = await make_user(session)
    conversation = await service.create_conversation(session, user.id, "hello")
    created = conversation.updated_at
    await service.add_message(session, conversation.id, "user", "hello")
    call = await service.add_message(
        session,
        conversation.id,
        MessageRole.tool,
        "2 dynos free",
        tool_name="find_available_dynos",
        payload={"args": {"test_type": "brake"}, "ok": True},
    )
    last = await service.add_message(session, conversation.id, "assistant", "Here you go.")
    assert call.id < last.id and call.created_at <= last.created_at
    # The loaded object is refreshed in place: no lazy load, and the bump is visible.
    assert conversation.updated_at > created
    assert conversation.updated_at == await session.scalar(
        select(Conversation.updated_at).where(Conversation.id == conversation.id)
    )

    found, messages = await service.get_with_messages(session, conversation.id, user.id)
    assert found is conversation
    assert [(m.role, m.content) for m in messages] == [
        ("user", "hello"),
        ("tool", "2 dynos free"),
        ("assistant", "Here you go."),
    ]
    assert messages[1].tool_name == "find_available_dynos"
    assert messages[1].payload == {"args": {"test_type": "brake"}, "ok": True}


async def test_add_message_refuses_an_unknown_role(session: AsyncSession):
    user = await make_user(session)
    conversation = await service.create_conversation(session, user.id, "hi")
    with pytest.raises(InvalidInput, match="role"):
        await service.add_message(session, conversation.id, "system", "you are root")
    count = await session.scalar(select(func.count()).select_from(ConversationMessage))
    assert count == 0


async def test_add_message_to_a_missing_conversation_is_not_found(session: AsyncSession):
    with pytest.raises(ConversationNotFound):
        await service.add_message(session, uuid.uuid4(), "user", "hello?")


async def test_get_owned_is_not_found_for_another_user_and_for_a_missing_id(
    session: AsyncSession,
):
    owner = await make_user(session)
    other = await make_user(session)
    conversation = await service.create_conversation(session, owner.id, "mine")
    assert await service.get_owned(session, conversation.id, owner.id) is conversation
    for conversation_id, user_id in ((conversation.id, other.id), (uuid.uuid4(), owner.id)):
        with pytest.raises(ConversationNotFound) as caught:
            await service.get_owned(session, conversation_id, user_id)
        assert isinstance(caught.value, NotFound)
        assert caught.value.code == "conversation_not_found" and caught.value.status == 404
    with pytest.raises(ConversationNotFound):
        await service.get_with_messages(session, conversation.id, other.id)


# Listing and search ---------------------------------------------------------------------------


async def test_list_shows_only_own_conversations_most_recently_active_first(
    session: AsyncSession,
):
    owner = await make_user(session)
    other = await make_user(session)
    first = await service.create_conversation(session, owner.id, "first")
    second = await service.create_conversation(session, owner.id, "second")
    third = await service.create_conversation(session, owner.id, "third")
    await service.create_conversation(session, other.id, "not yours")

    items, total = await service.list_conversations(session, owner.id)
    assert total == 3 and [c.title for c in items] == ["third", "second", "first"]

    await service.add_message(session, first.id, "user", "back to this one")
    items, _ = await service.list_conversations(session, owner.id)
    assert [c.id for c in items] == [first.id, third.id, second.id]


async def test_list_pages_with_limit_and_offset_and_counts_all(session: AsyncSession):
    user = await make_user(session)
    for n in range(5):
        await service.create_conversation(session, user.id, f"chat {n}")
    page, total = await service.list_conversations(session, user.id, limit=2, offset=2)
    assert total == 5 and [c.title for c in page] == ["chat 2", "chat 1"]
    page, total = await service.list_conversations(session, user.id, limit=2, offset=4)
    assert total == 5 and [c.title for c in page] == ["chat 0"]
    with pytest.raises(InvalidInput):
        await service.list_conversations(session, user.id, limit=0)


async def test_search_matches_titles_and_message_contents_case_insensitively(
    session: AsyncSession,
):
    owner = await make_user(session)
    other = await make_user(session)
    by_title = await service.create_conversation(session, owner.id, "Brake test on MPG 3")
    by_message = await service.create_conversation(session, owner.id, "Book a car")
    await service.add_message(session, by_message.id, "user", "Book a car")
    await service.add_message(session, by_message.id, "assistant", "Booked on mpg 3 from Monday.")
    unrelated = await service.create_conversation(session, owner.id, "Utilization in May")
    await service.add_message(session, unrelated.id, "user", "Utilization in May")
    foreign = await service.create_conversation(session, other.id, "MPG 3 schedule")

    items, total = await service.list_conversations(session, owner.id, q="  Mpg 3 ")
    assert total == 2
    assert {c.id for c in items} == {by_title.id, by_message.id}
    assert foreign.id not in {c.id for c in items}

    items, total = await service.list_conversations(session, owner.id, q="   ")
    assert total == 3  # a blank query is no filter


async def test_search_treats_like_wildcards_literally(session: AsyncSession):
    user = await make_user(session)
    await service.create_conversation(session, user.id, "100% booked")
    await service.create_conversation(session, user.id, "100 vehicles booked")
    items, total = await service.list_conversations(session, user.id, q="100%")
    assert total == 1 and items[0].title == "100% booked"
    _, total = await service.list_conversations(session, user.id, q="_")
    assert total == 0


async def test_search_by_message_content_can_use_the_trigram_index(session: AsyncSession):
    user = await make_user(session)
    conversation = await service.create_conversation(session, user.id, "x")
    await service.add_message(session, conversation.id, "user", "needle in a haystack")
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        (
            await session.execute(
                text(
                    "EXPLAIN SELECT conversation_id FROM conversation_messages "
                    "WHERE content ILIKE '%needle%'"
                )
            )
        ).scalars()
    )
    assert "ix_conversation_messages_content_trgm" in plan
    plan = "\n".join(
        (
            await session.execute(
                text("EXPLAIN SELECT id FROM conversations WHERE title ILIKE '%needle%'")
            )
        ).scalars()
    )
    assert "ix_conversations_title_trgm" in plan


# Delete ------------------------------------------------------------------------------------------


async def test_delete_removes_the_conversation_and_its_messages(session: AsyncSession):
    user = await make_user(session)
    keep = await service.create_conversation(session, user.id, "keep")
    await service.add_message(session, keep.id, "user", "keep")
    gone = await service.create_conversation(session, user.id, "gone")
    await service.add_message(session, gone.id, "user", "gone")
    await service.add_message(session, gone.id, "error", "The model is unavailable.")

    await service.delete_conversation(session, gone.id, user.id)

    remaining = await session.scalars(select(Conversation.id))
    assert list(remaining) == [keep.id]
    contents = await session.scalars(select(ConversationMessage.content))
    assert list(contents) == ["keep"]


async def test_delete_of_another_users_conversation_is_not_found_and_keeps_it(
    session: AsyncSession,
):
    owner = await make_user(session)
    other = await make_user(session)
    conversation = await service.create_conversation(session, owner.id, "mine")
    with pytest.raises(ConversationNotFound):
        await service.delete_conversation(session, conversation.id, other.id)
    assert await session.scalar(select(func.count()).select_from(Conversation)) == 1


async def test_deleting_a_user_deletes_their_conversations(session: AsyncSession):
    user = await make_user(session)
    conversation = await service.create_conversation(session, user.id, "bye")
    await service.add_message(session, conversation.id, "user", "bye")
    await session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    assert await session.scalar(select(func.count()).select_from(Conversation)) == 0
    assert await session.scalar(select(func.count()).select_from(ConversationMessage)) == 0


async def test_the_database_refuses_an_unknown_role_written_directly(session: AsyncSession):
    user = await make_user(session)
    conversation = await service.create_conversation(session, user.id, "raw sql")
    with pytest.raises(Exception, match="ck_conversation_messages_role_vocab"):
        async with session.begin_nested():
            await session.execute(
                text(
                    "INSERT INTO conversation_messages (conversation_id, role, content) "
                    "VALUES (:id, 'system', 'x')"
                ),
                {"id": conversation.id},
            )
