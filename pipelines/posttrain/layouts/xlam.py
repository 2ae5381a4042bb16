"""xLAM function-calling layout: ``query``, ``answers`` and ``tools`` as JSON text, with Python-style
parameter types (``"str, optional"``, ``"List[int]"``) converted to JSON Schema."""

from __future__ import annotations

import re
from typing import Any

from pipelines.posttrain.layouts.common import (
    LayoutError,
    assistant,
    json_field,
    metadata,
    normalise_category,
    openai_tools,
    record_id,
    text_field,
    tool_call,
)
from pipelines.posttrain.schema import make_message

KEYS = ("query", "answers", "tools")
_SCALARS = {"str": "string", "string": "string", "int": "integer", "integer": "integer", "float": "number",
            "number": "number", "double": "number", "bool": "boolean", "boolean": "boolean", "none": "null", "null": "null"}
_ARRAYS = ("list", "set", "tuple", "sequence", "iterable")
_OBJECTS = ("dict", "mapping", "object")
_GENERIC = re.compile(r"^(\w+)\s*\[(.*)\]$")


def convert(record: dict) -> dict:
    """User turn: the query; assistant turn: the answers as tool calls ``call_<n>`` (the training target)."""
    query = text_field(record, "query")
    answers = json_field(record, "answers")
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        raise LayoutError("field 'answers' must be a list of {name, arguments} objects")
    calls = [tool_call(a.get("name"), a.get("arguments"), f"call_{i}") for i, a in enumerate(answers)]
    tools = json_field(record, "tools")
    if not isinstance(tools, list) or not all(isinstance(t, dict) for t in tools):
        raise LayoutError("field 'tools' must be a list of tool definitions")
    return {
        "record_id": record_id(record),
        "messages": [make_message("user", query), assistant(None, calls)],
        "tools": openai_tools([_tool(t) for t in tools]),
        "category": normalise_category(record.get("category")) or "tool-calling",
        "metadata": metadata(record, {"query", "answers", "tools", "category"}),
    }


def _tool(tool: dict) -> dict:
    parameters = tool.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise LayoutError(f"tool {tool.get('name')!r}: 'parameters' must be an object")
    converted = {k: v for k, v in tool.items() if k != "parameters"}
    converted["parameters"] = parameters if parameters.get("type") == "object" else parameters_schema(parameters)
    return converted


def parameters_schema(parameters: dict) -> dict:
    """JSON Schema of xLAM ``{name: {type, description, default}}`` parameters: a parameter is
    required unless its type says ``optional`` or it has a default."""
    properties, required = {}, []
    for name, spec in parameters.items():
        spec = spec if isinstance(spec, dict) else {"type": str(spec)}
        raw_type = str(spec.get("type", ""))
        base, *flags = _split_top_level(raw_type) or [""]  # "Dict[str, Any], optional": the comma outside brackets
        schema = type_schema(base)
        schema.update({k: v for k, v in spec.items() if k in ("description", "default", "enum")})
        properties[name] = schema
        optional = any("optional" in flag.lower() for flag in flags) or base.lower().startswith("optional")
        if not optional and "default" not in spec:
            required.append(name)
    return {"type": "object", "properties": properties, "required": required}


def type_schema(python_type: str) -> dict[str, Any]:
    """JSON Schema of a Python-style type name: ``str`` -> string, ``List[int]`` -> array of integers,
    ``Dict[str, Any]`` -> object, ``Optional[X]`` -> X, ``Union[A, B]`` -> anyOf; unknown -> no constraint."""
    text = python_type.strip()
    lower = text.lower()
    if lower in _SCALARS:
        return {"type": _SCALARS[lower]}
    generic = _GENERIC.match(text)
    head, inner = (generic.group(1).lower(), generic.group(2)) if generic else (lower, "")
    if head == "optional" and inner:
        return type_schema(inner)
    if head == "union" and inner:
        return {"anyOf": [type_schema(part) for part in _split_top_level(inner)]}
    if head in _ARRAYS:
        parts = _split_top_level(inner) if inner else []
        return {"type": "array", **({"items": type_schema(parts[0])} if len(parts) == 1 else {})}
    if head in _OBJECTS:
        return {"type": "object"}
    return {}


def _split_top_level(text: str) -> list[str]:
    """``"str, List[int]"`` -> ``["str", "List[int]"]`` (commas inside brackets kept)."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        depth += char == "["
        depth -= char == "]"
        current += char
    return [p for p in parts + [current.strip()] if p]
