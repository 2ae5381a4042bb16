"""Tool-call checks: every called tool is declared, its arguments are a JSON object valid against the
tool's JSON Schema (jsonschema, the schema's own draft), and every call id is answered by a tool message.

Calls in the conversation's last message are exempt from the answer rule: in function-calling sets
(xLAM, Glaive) the call itself is the training target. A tool message without ``tool_call_id``
answers the oldest unanswered call, as templates that ignore ids (Gemma, Qwen) read it."""

from __future__ import annotations

import json
from functools import lru_cache

from jsonschema import validators
from jsonschema.exceptions import SchemaError, best_match

#: Drop reasons of this module.
REASONS = ("tools_invalid", "undeclared_tool", "tool_arguments_not_json", "tool_arguments_not_object",
           "tool_arguments_type", "tool_arguments_required", "tool_arguments_enum", "tool_arguments_schema",
           "unknown_tool_call_id", "unanswered_tool_call")
_SPECIFIC = ("type", "required", "enum")


def tool_call_reason(messages: list[dict], tools: str | None) -> str | None:
    """The first tool-call problem of a conversation (one of REASONS), or None."""
    calls = [c for m in messages if m["role"] == "assistant" for c in m.get("tool_calls") or []]
    if tools is None and not calls:
        return None
    try:
        declared = declared_tools(tools)
    except ValueError:
        return "tools_invalid"
    for call in calls:
        reason = arguments_reason(call, declared)
        if reason:
            return reason
    return _answer_reason(messages)


def arguments_reason(call: dict, declared: dict) -> str | None:
    """Why one call (``name``, ``arguments`` JSON text) does not fit the declared tools, or None."""
    validator = declared.get(call["name"])
    if validator is None:
        return "undeclared_tool"
    try:
        arguments = json.loads(call["arguments"]) if call["arguments"] is not None else None
    except (json.JSONDecodeError, RecursionError):  # not JSON, or nested past the parser's limit
        return "tool_arguments_not_json"
    if not isinstance(arguments, dict):
        return "tool_arguments_not_object" if arguments is not None else "tool_arguments_not_json"
    try:
        error = best_match(validator.iter_errors(arguments))
    except RecursionError:  # arguments nested deeper than validation can follow
        return "tool_arguments_schema"
    if error is None:
        return None
    return f"tool_arguments_{error.validator}" if error.validator in _SPECIFIC else "tool_arguments_schema"


@lru_cache(maxsize=1024)
def declared_tools(tools: str | None) -> dict:
    """``{name: jsonschema validator of its parameters}`` of OpenAI-style tool definitions (JSON text);
    a tool without parameters accepts any object. ValueError when the text, a definition or a schema is invalid."""
    if tools is None:
        return {}
    try:
        definitions = json.loads(tools)
    except json.JSONDecodeError as exc:
        raise ValueError(f"tools are not JSON: {exc.msg}") from None
    except RecursionError:
        raise ValueError("tools are nested deeper than the JSON parser's limit") from None
    if not isinstance(definitions, list):
        raise ValueError("tools must be a list of definitions")
    declared = {}
    for definition in definitions:
        function = definition.get("function", definition) if isinstance(definition, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise ValueError(f"tool definition without a name: {definition!r}")
        schema = function.get("parameters") or {}
        if not isinstance(schema, dict):
            raise ValueError(f"tool {function['name']}: parameters must be a JSON Schema object")
        cls = validators.validator_for(schema)
        try:
            cls.check_schema(schema)
        except SchemaError as exc:
            raise ValueError(f"tool {function['name']}: invalid JSON Schema: {exc.message}") from None
        declared[function["name"]] = cls(schema)
    return declared


def _answer_reason(messages: list[dict]) -> str | None:
    pending: list[str | None] = []
    for index, message in enumerate(messages):
        if message["role"] == "tool":
            call_id = message.get("tool_call_id")
            if call_id is None and pending:
                pending.pop(0)
            elif call_id in pending:
                pending.remove(call_id)
            else:
                return "unknown_tool_call_id"
            continue
        if pending:
            return "unanswered_tool_call"
        if message["role"] == "assistant" and index < len(messages) - 1:
            pending = [c["id"] for c in message.get("tool_calls") or []]
    return None
