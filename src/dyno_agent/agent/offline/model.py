"""`OfflineChatModel`: a deterministic LangChain chat model with tool calling, no network, no key.

It reads the context block of the system message (today, vocabularies), parses the user's request
with the offline parser and answers with one tool call, a question, or Markdown built from tool
results (see `turns`). Text answers stream word by word; a tool call is one chunk.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from dyno_agent.agent.offline.turns import respond

_WORDS = re.compile(r"\S+\s*|\s+")


def tool_names(tools: Sequence[Any] | None) -> frozenset[str] | None:
    """Names of bound tools in any format LangChain accepts (None: nothing bound, any tool)."""
    if tools is None:
        return None
    names = set()
    for tool in tools:
        spec = convert_to_openai_tool(tool)
        names.add(spec["function"]["name"] if "function" in spec else spec.get("name"))
    return frozenset(name for name in names if name)


def chunks_of(message: AIMessage) -> list[AIMessageChunk]:
    """The message as stream chunks that add up to it: words of the text, or one tool-call chunk."""
    extra = dict(message.additional_kwargs)
    if message.tool_calls:
        calls = [
            {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
            for i, c in enumerate(message.tool_calls)
        ]
        chunk = AIMessageChunk(
            content=message.content,
            tool_call_chunks=calls,  # type: ignore[arg-type]
            additional_kwargs=extra,
            chunk_position="last",
        )
        return [chunk]
    words = _WORDS.findall(str(message.content)) or [""]
    chunks = [AIMessageChunk(content=word) for word in words]
    chunks[0].additional_kwargs = extra
    chunks[-1].chunk_position = "last"
    return chunks


class OfflineChatModel(BaseChatModel):
    """The built-in model used when no provider is configured (`DYNO_LLM=offline`)."""

    model_name: str = "dyno-offline"

    @property
    def _llm_type(self) -> str:
        return "dyno-offline"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        if tool_choice is not None:
            kwargs["tool_choice"] = tool_choice
        return super().bind(tools=formatted, **kwargs)

    def _reply(self, messages: list[BaseMessage], **kwargs: Any) -> AIMessage:
        return respond(messages, tool_names(kwargs.get("tools")))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._reply(messages, **kwargs))])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop, **kwargs)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in chunks_of(self._reply(messages, **kwargs)):
            yield ChatGenerationChunk(message=chunk)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        for chunk in chunks_of(self._reply(messages, **kwargs)):
            yield ChatGenerationChunk(message=chunk)
