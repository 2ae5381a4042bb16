"""A tokenizer's own chat template, rendered exactly as transformers' ``apply_chat_template`` renders it.

The template is the ``chat_template`` of ``tokenizer_config.json`` (a string, or a list of named
templates where ``tool_use`` is taken when tools are given), or ``chat_template.jinja`` next to it
when the config has none. It runs in Jinja2's ImmutableSandboxedEnvironment (its verdicts kept per
type and name: _ChatSandbox) with trim_blocks and lstrip_blocks, the loopcontrols extension and the
globals and filters transformers gives templates: ``raise_exception``, ``strftime_now``,
``namespace``, ``dict`` and a ``tojson`` that does not escape HTML and takes
ensure_ascii/indent/separators/sort_keys. Messages are prepared as transformers prepares them
(keys whose value is None dropped; ``reasoning``/``thinking``/``reasoning_content`` aliased to each
other) and the named special tokens of the config (bos_token, eos_token, ... and
``extra_special_tokens``) are template variables.
"""

from __future__ import annotations

import json
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
from jinja2.runtime import LoopContext, new_context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from pipelines.tokens.registry import TokenizerNotFoundError, resolve_tokenizer_config

#: transformers' named special tokens, passed to every template when the config sets them.
NAMED_SPECIAL_TOKENS = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
#: File that holds the template in newer tokenizer folders (transformers >= 4.47 writes it).
CHAT_TEMPLATE_FILE = "chat_template.jinja"
#: Names a message's reasoning is passed under; transformers fills all three from the first set.
REASONING_FIELDS = ("reasoning_content", "thinking", "reasoning")

Message = Mapping[str, Any]


class ChatTemplateError(ValueError):
    """A tokenizer has no usable chat template, or the template refused a conversation."""


@dataclass(frozen=True)
class ChatTemplate:
    """A compiled chat template and the special tokens it sees."""

    name: str
    default: jinja2.Template
    tool_use: jinja2.Template | None
    special_tokens: Mapping[str, str]

    def render(self, messages: Sequence[Message], tools: Sequence[Mapping] | None = None,
               add_generation_prompt: bool = False, **template_kwargs: Any) -> str:
        """The text transformers' ``apply_chat_template(messages, tools=tools, tokenize=False, ...)`` gives."""
        return self.render_prepared(prepare_messages(messages), tools, add_generation_prompt, **template_kwargs)

    def render_prepared(self, messages: list[dict], tools: Sequence[Mapping] | None = None,
                        add_generation_prompt: bool = False, **template_kwargs: Any) -> str:
        """render() for messages already passed through prepare_messages() (no copy per call)."""
        template = self.tool_use if tools is not None and self.tool_use is not None else self.default
        variables = {**self.special_tokens, **template_kwargs}
        try:
            return _render(template, {"messages": messages, "tools": list(tools) if tools is not None else None,
                                      "documents": None, "add_generation_prompt": add_generation_prompt, **variables})
        except jinja2.TemplateError as exc:
            raise ChatTemplateError(f"chat template of {self.name!r}: {exc}") from exc


def _render(template: jinja2.Template, variables: dict[str, Any]) -> str:
    """``template.render(**variables)`` with the template's globals flattened once: Jinja copies its
    ChainMap of globals into every render's context, a third of a short conversation's render time."""
    environment = template.environment
    flat = _flat_globals(template)
    context = new_context(environment, template.name, template.blocks, {**flat, **variables}, True, flat)
    try:
        return environment.concat(template.root_render_func(context))
    except Exception:
        environment.handle_exception()  # re-raises, its traceback pointing into the template source


@cache
def _flat_globals(template: jinja2.Template) -> dict[str, Any]:
    """The environment's and the template's globals as one dict (fixed once the template is compiled)."""
    return dict(template.globals)


def prepare_messages(messages: Sequence[Message]) -> list[dict]:
    """Messages as transformers hands them to the template: None-valued keys dropped, reasoning aliased."""
    prepared = []
    for message in messages:
        if not isinstance(message, Mapping):
            raise ChatTemplateError(f"chat messages must be mappings, got {message!r}")
        clean = {key: value for key, value in message.items() if value is not None}
        reasoning = next((clean[key] for key in REASONING_FIELDS if key in clean), None)
        if reasoning is not None:
            clean = {"thinking": reasoning, **clean, "reasoning_content": reasoning}
        prepared.append(clean)
    return prepared


@cache
def load_chat_template(name: str) -> ChatTemplate:
    """The chat template of tokenizer ``name`` (built-in name, tokenizer folder or Hub id), loaded once."""
    config_path = resolve_tokenizer_config(name)
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TokenizerNotFoundError(f"{config_path}: not a readable JSON tokenizer config ({exc})") from None
    templates = _templates(config.get("chat_template"), config_path)
    if "default" not in templates:
        raise ChatTemplateError(f"{config_path}: no chat_template (and no {CHAT_TEMPLATE_FILE} next to it)")
    environment = _environment()
    tool_use = templates.get("tool_use")
    return ChatTemplate(
        name=name,
        default=environment.from_string(templates["default"]),
        tool_use=environment.from_string(tool_use) if tool_use is not None else None,
        special_tokens=special_tokens(config),
    )


def special_tokens(config: Mapping[str, Any]) -> dict[str, str]:
    """The template variables transformers takes from a tokenizer config: the named special tokens
    that are set (plain strings or AddedToken mappings) and the ``extra_special_tokens`` mapping."""
    tokens: dict[str, str] = {}
    extra = config.get("extra_special_tokens")
    pairs = [(key, config.get(key)) for key in NAMED_SPECIAL_TOKENS]
    if isinstance(extra, Mapping):
        pairs += list(extra.items())
    for key, value in pairs:
        if isinstance(value, Mapping):
            value = value.get("content")
        if isinstance(value, str):
            tokens[key] = value
    return tokens


def _templates(value: Any, config_path: Path) -> dict[str, str]:
    """Named templates of a config: a string is ``default``; a list of {name, template} keeps its names."""
    if isinstance(value, str):
        return {"default": value}
    if isinstance(value, list):
        return {entry["name"]: entry["template"] for entry in value}
    jinja_file = config_path.parent / CHAT_TEMPLATE_FILE
    if jinja_file.is_file():
        return {"default": jinja_file.read_text(encoding="utf-8")}
    return {}


def _raise_exception(message: str) -> None:
    raise jinja2.exceptions.TemplateError(message)


def _tojson(value: Any, ensure_ascii: bool = False, indent: int | None = None,
            separators: tuple[str, str] | None = None, sort_keys: bool = False) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _strftime_now(format: str) -> str:
    return datetime.now().strftime(format)


class _TemplateDict:
    """``dict`` for templates without attribute access to the real type."""

    def __call__(self, *args: Any, **kwargs: Any) -> dict:
        return dict(*args, **kwargs)

    def fromkeys(self, *args: Any, **kwargs: Any) -> dict:
        return dict.fromkeys(*args, **kwargs)


class _TemplateNamespace(jinja2.utils.Namespace):
    """Jinja's namespace refusing underscore-prefixed attributes, as transformers' does."""

    def __init__(*args: Any, **kwargs: Any) -> None:
        self, args = args[0], args[1:]
        attrs = dict(*args, **kwargs)
        for key in attrs:
            _TemplateNamespace._check_name(key)
        jinja2.utils.Namespace.__init__(self, attrs)

    def __setitem__(self, key: str, value: Any) -> None:
        _TemplateNamespace._check_name(key)
        jinja2.utils.Namespace.__setitem__(self, key, value)

    @staticmethod
    def _check_name(key: Any) -> None:
        if isinstance(key, str) and key.startswith("_"):
            raise jinja2.exceptions.SecurityError(f"chat templates cannot set {key!r} on a namespace")


class _GenerationTag(jinja2.ext.Extension):
    """Accepts ``{% generation %}...{% endgeneration %}`` (assistant-mask markers) and renders the body."""

    tags = {"generation"}

    def parse(self, parser: jinja2.parser.Parser) -> jinja2.nodes.CallBlock:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_body"), [], [], body).set_lineno(lineno)

    @staticmethod
    def _body(caller: Any) -> str:
        return caller()


#: Types whose instances report their own class (``obj.__class__ is type(obj)``): the sandbox's
#: verdict on an attribute of one depends on (type, name) only, so _ChatSandbox keeps it.
_PLAIN_TYPES = frozenset((str, dict, list, tuple, int, float, bool, type(None), LoopContext,
                          _TemplateNamespace))
#: Names a plain dict has as attributes (methods and dunders); any other ``message.role`` is an item.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _ChatSandbox(ImmutableSandboxedEnvironment):
    """Jinja's ImmutableSandboxedEnvironment with the same verdicts, computed once per (type, name)
    for the _PLAIN_TYPES, ``message.role`` on a plain dict read as the item directly (the
    base class first raises and catches AttributeError there), and a built-in method of a
    _PLAIN_TYPES value (``content.strip``, ``message.get``) called directly: the sandbox's
    is_safe_callable and the context's pass-argument lookup are both no-ops for those (mutating
    methods never get this far: getattr refuses them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        kind = type(obj)
        if kind not in _PLAIN_TYPES:
            return super().is_safe_attribute(obj, attr, value)
        key = (kind, attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's names)
        if type(__obj) is types.BuiltinMethodType and type(__obj.__self__) in _PLAIN_TYPES:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _environment() -> ImmutableSandboxedEnvironment:
    environment = _ChatSandbox(
        trim_blocks=True, lstrip_blocks=True, extensions=[_GenerationTag, jinja2.ext.loopcontrols])
    environment.filters["tojson"] = _tojson
    environment.globals["raise_exception"] = _raise_exception
    environment.globals["strftime_now"] = _strftime_now
    environment.globals["dict"] = _TemplateDict()
    environment.globals["namespace"] = _TemplateNamespace
    return environment
