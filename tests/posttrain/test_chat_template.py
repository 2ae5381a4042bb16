"""Chat-template rendering and token counts equal transformers' own apply_chat_template (no torch)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from pipelines.ingest.files import list_input_files
from pipelines.posttrain import chat_template
from pipelines.posttrain.chat_template import (
    ChatTemplateError,
    load_chat_template,
    special_tokens,
)
from pipelines.posttrain.readers import read_conversations
from pipelines.posttrain.sources import load_chat_sources
from pipelines.posttrain.template_tokens import (
    TemplateCounter,
    boundary,
    encoded_span_tokens,
    trainable_token_count,
)
from pipelines.posttrain.tokens_task import openai_pairs
from pipelines.runtime.problems import ErrorLog
from pipelines.tokens.registry import (
    TokenizerNotFoundError,
    resolve_tokenizer,
    resolve_tokenizer_config,
)

TOKENIZERS = ("gemma3", "qwen3")
SOURCES = Path(__file__).resolve().parents[2] / "sources" / "posttrain-demo.yaml"

WEATHER = [{"type": "function", "function": {
    "name": "get_weather", "description": "Current weather of a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                                                    "unit": {"type": "string", "enum": ["c", "f"]}},
                   "required": ["city"]}}}]


def generated_conversations() -> list[tuple[list[dict], list[dict] | None]]:
    """System prompts, multi-turn, reasoning (one and several turns), tool calls and answers, 11 languages."""
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Hà Nội"}'}}
    return [
        ([{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "What is  2+2?"},
          {"role": "assistant", "content": "4"}], None),
        ([{"role": "user", "content": "Apa ibu kota Indonesia?"}, {"role": "assistant", "content": "Jakarta."},
          {"role": "user", "content": "Dan Malaysia?"}, {"role": "assistant", "content": "Kuala Lumpur."}], None),
        ([{"role": "user", "content": "กรุงเทพอยู่ที่ไหน"},
          {"role": "assistant", "content": "ประเทศไทย", "reasoning_content": "คิดก่อน\nแล้วตอบ"}], None),
        ([{"role": "user", "content": "Q1 ဘာလဲ"}, {"role": "assistant", "content": "A1", "reasoning_content": "r1"},
          {"role": "user", "content": "Q2 ஏன்?"}, {"role": "assistant", "content": "A2", "reasoning_content": "r2"}], None),
        ([{"role": "system", "content": "Bạn là trợ lý."}, {"role": "user", "content": "Thời tiết Hà Nội?"},
          {"role": "assistant", "content": "", "tool_calls": [call]},
          {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 31}'},
          {"role": "assistant", "content": "Hà Nội 31°C."}], WEATHER),
        ([{"role": "user", "content": "ສະບາຍດີ <end_of_turn> <|im_end|>"},
          {"role": "assistant", "content": "  ជំរាបសួរ  \n"}], None),
        ([{"role": "user", "content": "你好, kumusta?"}, {"role": "assistant", "content": None}], None),
    ]


def sample_conversations() -> list[tuple[list[dict], list[dict] | None]]:
    """Every conversation the readers get from the bundled sample (all layouts, planted defects
    included), in the form the tokens stage renders; empty when the sample is absent."""
    if not SOURCES.is_file():
        return []
    out = []
    for source in load_chat_sources(SOURCES):
        for path in list_input_files(source.config):
            for table in read_conversations(source, path, ErrorLog()):
                out.extend(openai_pairs(table))
    return out


@pytest.fixture(scope="module", params=TOKENIZERS)
def pair(request):
    transformers = pytest.importorskip("transformers")
    try:
        folder = resolve_tokenizer(request.param).parent
        resolve_tokenizer_config(request.param)
    except TokenizerNotFoundError as exc:
        pytest.skip(f"tokenizer {request.param} not available: {exc}")
    reference = transformers.AutoTokenizer.from_pretrained(str(folder))
    return request.param, reference, TemplateCounter(request.param)


_WITHOUT_TORCH = """
import json, sys
sys.modules["torch"] = None  # as if torch were not installed: find_spec -> None, import -> ImportError
from transformers import AutoTokenizer
from transformers.utils import is_torch_available
assert not is_torch_available()
tokenizer = AutoTokenizer.from_pretrained(sys.argv[1])
messages, tools = json.loads(sys.argv[2])
print(json.dumps(tokenizer.apply_chat_template(messages, tools=tools, tokenize=True, return_dict=False)))
"""


def test_counts_equal_transformers_without_torch():
    """transformers needs only tokenizers + jinja2 here: with torch hidden it gives our ids."""
    pytest.importorskip("transformers")
    try:
        folder = resolve_tokenizer("qwen3").parent
        counter = TemplateCounter("qwen3")
    except TokenizerNotFoundError as exc:
        pytest.skip(str(exc))
    messages, tools = generated_conversations()[4]
    proc = subprocess.run([sys.executable, "-c", _WITHOUT_TORCH, str(folder), json.dumps([messages, tools])],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ids = json.loads(proc.stdout.strip().splitlines()[-1])
    assert counter.count(messages, tools).total == len(ids)
    assert counter.tokenizer.encode(counter.render(messages, tools), add_special_tokens=False).ids == ids


def _renders(reference, counter, messages, tools):
    try:
        expected = reference.apply_chat_template(messages, tools=tools, tokenize=False)
    except jinja2.TemplateError:  # the template's raise_exception: ours must refuse the same conversation
        with pytest.raises(ChatTemplateError):
            counter.render(messages, tools)
        return None
    assert counter.render(messages, tools) == expected
    return expected


def test_render_and_total_tokens_equal_transformers(pair):
    name, reference, counter = pair
    generated = generated_conversations()
    rendered = 0
    for index, (messages, tools) in enumerate(generated + sample_conversations()):
        if _renders(reference, counter, messages, tools) is None:
            continue
        ids = reference.apply_chat_template(messages, tools=tools, tokenize=True, return_dict=False)
        counts = counter.count(messages, tools)
        assert counts.total == len(ids)
        assert counts.prompt + counts.trainable == counts.total
        assert 0 < counts.trainable < counts.total or index >= len(generated)  # planted: no final answer
        rendered += 1
    assert rendered >= 6 + (60 if sample_conversations() else 0)


def test_generation_prompt_and_kwargs_equal_transformers(pair):
    name, reference, counter = pair
    messages = [{"role": "user", "content": "Hi"}]
    template = load_chat_template(name)
    for kwargs in ({}, {"enable_thinking": False}):
        expected = reference.apply_chat_template(messages, tokenize=False, add_generation_prompt=True, **kwargs)
        assert template.render(messages, add_generation_prompt=True, **kwargs) == expected


def _tag_assistant(name: str, template: str) -> str:
    """The template with {% generation %} around what it writes for assistant turns (transformers' mask)."""
    if name == "gemma3":
        start = template.index("    {%- if message['content'] is string -%}")
        end = template.index("{{ '<end_of_turn>\n' }}") + len("{{ '<end_of_turn>\n' }}")
        body = template[start:end]
        return (template[:start] + "{%- if role == 'model' -%}{% generation %}" + body + "{% endgeneration %}"
                + "{%- else -%}" + body + "{%- endif -%}" + template[end:])
    start = template.index("        {%- set content = message.content %}")
    end = template.index("{%- elif message.role == \"tool\" %}")
    head = "{{- '<|im_start|>' + message.role + '\\n' }}"
    body = template[start:end].replace("'<|im_start|>' + message.role + '\\n' + ", "")
    body = body.replace("{{- '<|im_start|>' + message.role + '\\n<think>", "{{- '<think>")
    return template[:start] + head + "{% generation %}" + body + "{%- endgeneration %}" + template[end:]


def test_trainable_tokens_equal_transformers_assistant_mask(pair):
    """Our trainable count from the untagged template equals the sum of transformers'
    assistant_masks from the same template with {% generation %} around the assistant output."""
    name, reference, counter = pair
    tagged = _tag_assistant(name, reference.chat_template)
    checked = 0
    for messages, tools in generated_conversations() + sample_conversations():
        if _renders(reference, counter, messages, tools) is None:
            continue
        if name == "qwen3" and tools is None and any(m.get("reasoning_content") for m in messages[:-1]):
            continue  # the tagged copy cannot express Qwen3's dropped history reasoning; see the next test
        out = reference.apply_chat_template(messages, tools=tools, chat_template=tagged, tokenize=True,
                                            return_dict=True, return_assistant_tokens_mask=True)
        assert reference.apply_chat_template(messages, tools=tools, chat_template=tagged, tokenize=False) == \
            counter.render(messages, tools)
        assert counter.count(messages, tools).trainable == sum(out["assistant_masks"])
        checked += 1
    assert checked >= 5


def test_qwen3_history_reasoning_span_is_the_rendered_answer():
    try:
        counter = TemplateCounter("qwen3")
    except TokenizerNotFoundError as exc:
        pytest.skip(str(exc))
    messages = generated_conversations()[3][0]
    full, spans = counter.assistant_spans(messages)
    assert [full[a:b] for a, b in spans] == ["A1<|im_end|>\n", "<think>\nr2\n</think>\n\nA2<|im_end|>\n"]


def test_boundary_prefix_and_rewritten_turn():
    assert boundary("<u>hi</u><a>", "<u>hi</u><a>yo</a>") == len("<u>hi</u><a>")
    # the full text dropped "<t>r</t>" from the first answer: the prefix's tail "A</a>" resumes in it
    assert boundary("<u>q</u><a><t>r</t>A</a>", "<u>q</u><a>A</a><u>q2</u>") == len("<u>q</u><a>A</a>")
    assert boundary("<u>q</u>XYZ", "<u>q</u>abc") == len("<u>q</u>")


def test_trainable_token_count_uses_overlap():
    starts, ends = [0, 3, 5, 9, 12], [3, 5, 9, 12, 14]
    assert trainable_token_count(starts, ends, [(4, 10)]) == 3  # tokens 1, 2, 3 overlap
    assert trainable_token_count(starts, ends, [(0, 3), (12, 14)]) == 2
    assert trainable_token_count(starts, ends, [(5, 5)]) == 0


def test_char_to_token_counts_equal_the_offsets_rule(pair):
    """The fast path (char_to_token) gives the offsets-overlap count on every span, byte-fallback text included."""
    import random

    name, _, counter = pair
    text = "<|im_start|>user\nສະບາຍດີ 🦁🦁 ဘာလဲ\n\n  x<end_of_turn>\n" * 3
    encoding = counter.tokenizer.encode(text, add_special_tokens=False)
    starts, ends = [a for a, _ in encoding.offsets], [b for _, b in encoding.offsets]
    rng = random.Random(7)
    for _ in range(300):
        cuts = sorted(rng.sample(range(len(text) + 1), 4))
        spans = [(cuts[0], cuts[1]), (cuts[2], cuts[3])]
        assert encoded_span_tokens(encoding, spans, len(text)) == trainable_token_count(starts, ends, spans), spans


def _outcome(environment, obj, attribute):
    """What a template gets for ``obj.attribute``: the value, or the kind of undefined (unsafe or missing)."""
    value = environment.getattr(obj, attribute)
    if isinstance(value, jinja2.Undefined):
        return ("undefined", value._undefined_exception.__name__)
    return ("callable", value.__name__) if callable(value) else ("value", value)


def test_sandbox_gives_jinjas_verdicts():
    """The kept per-(type, name) verdicts and the direct dict-item path change nothing: every access,
    twice (the second from the kept verdict), gets what Jinja's ImmutableSandboxedEnvironment gives."""
    ours, jinjas = chat_template._environment(), ImmutableSandboxedEnvironment()
    loop = LoopContext(iter([1, 2]), jinjas.undefined)
    objects = ["text", {"role": "user", "items": "x", "_private": 1}, [1, 2], (1,), 3, 2.5, True, None, loop,
               chat_template._TemplateNamespace(a=1), chat_template._TemplateDict(), str, len]
    names = ["role", "content", "items", "_private", "keys", "get", "pop", "clear", "update", "setdefault", "append",
             "sort", "index", "upper", "split", "format", "format_map", "mro", "__class__", "__init__", "__globals__",
             "_x", "a", "index0", "last", "first", "fromkeys", "real", "__code__"]
    for obj in objects:
        for name in names:
            for _ in range(2):
                assert _outcome(ours, obj, name) == _outcome(jinjas, obj, name), (obj, name)


def test_sandbox_calls_render_as_jinjas():
    """Built-in methods called directly (in and outside loops and blocks, with keyword arguments)
    render what Jinja's ImmutableSandboxedEnvironment renders; mutating calls still fail, format still sandboxed."""
    source = ("{% set ns = namespace(n=0) %}{{ ' A b '.strip().lower() }}{{ m.get('role', 'x') }}{{ m.items()|list|length }}"
              "{% for w in 'a,b,c'.split(',') %}{% set v = w.upper() %}{{ v }}{{ w.center(3, '*') }}"
              "{% set ns.n = ns.n + loop.index %}{{ loop.cycle('x', 'y') }}{% endfor %}{{ ns.n }}"
              "{{ 'x'.replace('x', 'yy', 1) }}{{ [3, 1].index(1) }}{{ (1, 2).count(2) }}{{ 'p'.startswith(('p', 'q')) }}")
    ours, jinjas = chat_template._environment(), ImmutableSandboxedEnvironment(extensions=["jinja2.ext.loopcontrols"])
    jinjas.globals["namespace"] = chat_template._TemplateNamespace
    variables = {"m": {"role": "user", "content": "hi"}}
    assert ours.from_string(source).render(**variables) == jinjas.from_string(source).render(**variables)
    for unsafe in ("{{ m.update(role='x') }}", "{{ [1].append(2) }}"):
        with pytest.raises(jinja2.exceptions.SecurityError):
            ours.from_string(unsafe).render(**variables)
    leak = "{{ '{0.__class__}{0}'.format(m) }}"  # the sandbox's formatter leaves the unsafe field empty
    assert ours.from_string(leak).render(**variables) == jinjas.from_string(leak).render(**variables) == str(variables["m"])


@pytest.mark.parametrize("source", ["{{ messages.append(1) }}", "{{ messages[0].update(role='x') }}",
                                    "{{ ''.__class__.__mro__ }}", "{{ messages.__class__.__init__.__globals__ }}"])
def test_templates_cannot_mutate_or_reach_internals(tmp_path, source):
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"chat_template": source}))
    template = load_chat_template(str(tmp_path))
    with pytest.raises(ChatTemplateError):
        template.render([{"role": "user", "content": "x"}])


def test_special_tokens_from_config():
    config = {"bos_token": {"content": "<s>", "special": True}, "eos_token": "</s>", "pad_token": None,
              "extra_special_tokens": {"image_token": "<img>"}}
    assert special_tokens(config) == {"bos_token": "<s>", "eos_token": "</s>", "image_token": "<img>"}


def test_local_folder_with_named_templates_and_jinja_file(tmp_path):
    folder = tmp_path / "tok"
    folder.mkdir()
    (folder / "tokenizer_config.json").write_text(json.dumps({"eos_token": "</s>", "chat_template": [
        {"name": "default", "template": "{% for m in messages %}{{ m.role }}:{{ m.content }}{{ eos_token }}{% endfor %}"},
        {"name": "tool_use", "template": "{{ tools | tojson }}|{{ messages | length }}"}]}))
    template = load_chat_template(str(folder))
    assert template.render([{"role": "user", "content": "é"}]) == "user:é</s>"
    assert template.render([{"role": "user", "content": "x"}], tools=[{"a": "é"}]) == '[{"a": "é"}]|1'
    other = tmp_path / "jinja"
    other.mkdir()
    (other / "tokenizer_config.json").write_text("{}")
    (other / "chat_template.jinja").write_text("{{ raise_exception('no ' + messages[0].role) }}")
    with pytest.raises(ChatTemplateError, match="no user"):
        load_chat_template(str(other)).render([{"role": "user", "content": "x"}])
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "tokenizer_config.json").write_text("{}")
    with pytest.raises(ChatTemplateError, match="no chat_template"):
        load_chat_template(str(empty))
