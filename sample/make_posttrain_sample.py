"""Generate the bundled post-training sample (``sample/data/posttrain``) from the sentences in ``sample/sentences``.

Usage::

    python sample/make_posttrain_sample.py [OUTPUT_DIR]      # default: sample/data/posttrain

Writes conversations in every layout seamix reads (OpenAI/TRL messages as gzipped JSON lines and as
Parquet with tools, ShareGPT as zstd JSON lines, Alpaca as a JSON array, Nemotron and xLAM and
prompt/response as JSON lines) in the eleven languages, and ``PLANTED.json``: every defect planted
on purpose (the drop reason the checks or dedup must give, by conversation id), the malformed records
(file and line) and the translation rows that must be kept. The content of every turn is real
sentences of sample/sentences/<lang>.txt. Deterministic: fixed seed, gzip ``mtime=0``, fixed zstd
level and Parquet options, so two runs give byte-identical files. Sources: sources/posttrain-demo.yaml.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

HERE = Path(__file__).resolve().parent
SENTENCES_DIR = HERE / "sentences"
DEFAULT_OUTPUT = HERE / "data" / "posttrain"
SEED = 20250415
LANGUAGES = ("eng_Latn", "cmn_Hani", "ind_Latn", "zsm_Latn", "fil_Latn", "vie_Latn",
             "tha_Thai", "tam_Taml", "mya_Mymr", "khm_Khmr", "lao_Laoo")
#: Sources of sources/posttrain-demo.yaml and the folder each reads.
MIXED, PROMPTS, TOOLS, XLAM = "sea-chat-mixed", "sea-prompt-response", "tool-calls-openai", "xlam-sample"
#: "Translate into English:" in each language whose rows are translation tasks.
TRANSLATE_TO_ENGLISH = {
    "tha_Thai": "แปลเป็นภาษาอังกฤษ:",
    "vie_Latn": "Hãy dịch sang tiếng Anh:",
}
NEMOTRON_CATEGORIES = ("math", "code", "chat", "science", "safety")
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather of a city",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}}
NEWS = {"type": "function", "function": {
    "name": "search_news", "description": "Search recent news articles",
    "parameters": {"type": "object", "properties": {
        "query": {"type": "string"}, "max_results": {"type": "integer", "minimum": 1}}, "required": ["query"]}}}
CURRENCY = {"type": "function", "function": {
    "name": "convert_currency", "description": "Convert an amount between currencies",
    "parameters": {"type": "object", "properties": {
        "amount": {"type": "number"}, "from": {"type": "string"}, "to": {"type": "string"}},
        "required": ["amount", "from", "to"]}}}
#: The same tools as xLAM writes them (Python-style types, JSON text).
XLAM_TOOLS = [
    {"name": "get_weather", "description": "Current weather of a city",
     "parameters": {"city": {"type": "str", "description": "City name"},
                    "unit": {"type": "str, optional", "description": "celsius or fahrenheit", "default": "celsius"}}},
    {"name": "search_news", "description": "Search recent news articles",
     "parameters": {"query": {"type": "str"}, "max_results": {"type": "int, optional", "default": 5}}},
    {"name": "average", "description": "Mean of a list of numbers",
     "parameters": {"numbers": {"type": "List[float]", "description": "The numbers"}}},
]


def load_sentences() -> dict[str, list[str]]:
    """The hand-written sentences of every language, one per line."""
    return {code: [line.strip() for line in (SENTENCES_DIR / f"{code}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
            for code in LANGUAGES}


class Sentences:
    """Draws sentences per language: prompt sentences are never reused (so only planted duplicates
    are duplicates), answer sentences come from the rest of the file."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._prompts: dict[str, list[str]] = {}
        self._answers: dict[str, list[str]] = {}
        for code, lines in load_sentences().items():
            lines = list(lines)
            rng.shuffle(lines)
            self._prompts[code], self._answers[code] = lines[:22], lines[22:]

    def prompt(self, code: str, n: int = 1) -> str:
        """``n`` fresh sentences (never handed out before)."""
        if len(self._prompts[code]) < n:
            raise ValueError(f"{code}: out of prompt sentences; add lines to sample/sentences/{code}.txt")
        picked, self._prompts[code] = self._prompts[code][:n], self._prompts[code][n:]
        return _join(code, picked)

    def answer(self, code: str, n: int = 2) -> str:
        """``n`` answer sentences (may repeat across conversations)."""
        return _join(code, self.rng.sample(self._answers[code], n))


def _join(code: str, sentences: list[str]) -> str:
    return ("" if code == "cmn_Hani" else " ").join(sentences)


class Planted:
    """The PLANTED.json entries."""

    def __init__(self) -> None:
        self.entries: list[dict] = []

    def drop(self, reason: str, source: str, record_id: str, note: str) -> str:
        """Record that conversation ``<source>/<record_id>`` must be dropped with ``reason``; return the record id."""
        self.entries.append({"kind": "drop", "reason": reason, "id": f"{source}/{record_id}", "note": note})
        return record_id

    def keep(self, source: str, record_id: str, note: str) -> str:
        """Record a conversation that looks suspicious but must be kept."""
        self.entries.append({"kind": "keep", "id": f"{source}/{record_id}", "note": note})
        return record_id

    def malformed(self, file: str, where: str, note: str) -> None:
        """Record a record the reader must report (file relative to the output folder) and skip."""
        self.entries.append({"kind": "malformed", "file": file, "where": where, "note": note})


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def assistant(text: str | None, **extra: object) -> dict:
    return {"role": "assistant", "content": text, **extra}


def call(call_id: str, name: str, arguments: dict | str) -> dict:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": text}}


# ------------------------------------------------------------------ the layouts


def openai_chat(s: Sentences, planted: Planted) -> tuple[list[str], str]:
    """Lines of mixed/openai-chat.jsonl.gz (a single-turn and a multi-turn conversation per language,
    defects) and the user turn of ``oa-tha_Thai-1``, which a prompt-response row duplicates."""
    rows: list[dict] = []
    for code in LANGUAGES:
        rows.append({"id": f"oa-{code}-1", "messages": [
            {"role": "system", "content": s.answer(code, 1)}, user(s.prompt(code)), assistant(s.answer(code))]})
        rows.append({"id": f"oa-{code}-2", "messages": [
            user(s.prompt(code)), assistant(s.answer(code), reasoning_content=s.answer(code, 1)),
            user(s.prompt(code)), assistant(s.answer(code, 3))]})
    rows.append({"id": planted.drop("empty_turn", MIXED, "oa-empty", "assistant answer is whitespace"),
                 "messages": [user(s.prompt("ind_Latn")), assistant("   \n ")]})
    rows.append({"id": planted.drop("role_order", MIXED, "oa-order", "system message in the middle"),
                 "messages": [user(s.prompt("eng_Latn")), {"role": "system", "content": s.answer("eng_Latn", 1)},
                              assistant(s.answer("eng_Latn"))]})
    cut = s.answer("eng_Latn", 1)
    rows.append({"id": planted.drop("truncated_answer", MIXED, "oa-truncated", "answer stops after a comma"),
                 "messages": [user(s.prompt("eng_Latn")), assistant(s.answer("eng_Latn", 1) + " " + cut[: len(cut) // 2].rstrip() + ",")]})
    rows.append({"id": planted.drop("repetition_loop", MIXED, "oa-loop", "Vietnamese answer repeats one sentence"),
                 "messages": [user(s.prompt("vie_Latn")), assistant(" ".join([s.answer("vie_Latn", 1)] * 12))]})
    rows.append({"id": planted.drop("response_language_mismatch", MIXED, "oa-mismatch", "Vietnamese prompt, second answer in Chinese"),
                 "messages": [user(s.prompt("vie_Latn")), assistant(s.answer("vie_Latn")),
                              user(s.prompt("vie_Latn")), assistant(s.answer("cmn_Hani", 3))]})
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    lines.insert(7, '{"id": "oa-broken", "messages": [{"role": "user", "content": "cut off')
    planted.malformed("mixed/openai-chat.jsonl.gz", "line 8", "line cut in the middle of a string")
    thai = next(row for row in rows if row["id"] == "oa-tha_Thai-1")
    return lines, thai["messages"][1]["content"]


def sharegpt(s: Sentences, planted: Planted) -> tuple[list[str], str]:
    """Lines of mixed/sharegpt.jsonl.zst (two exchanges per language, function calling, defects) and
    the long English prompt of ``sg-near-original``, which a prompt-response row nearly duplicates."""
    rows: list[dict] = []
    for code in LANGUAGES:
        rows.append({"id": f"sg-{code}", "conversations": [
            {"from": "human", "value": s.prompt(code)}, {"from": "gpt", "value": s.answer(code)},
            {"from": "human", "value": s.prompt(code)}, {"from": "gpt", "value": s.answer(code)}]})
    tools = json.dumps([WEATHER["function"], NEWS["function"]], ensure_ascii=False)  # LLaMA-Factory: bare functions
    rows.append({"id": "sg-tools-en", "tools": tools, "conversations": [
        {"from": "system", "value": s.answer("eng_Latn", 1)},
        {"from": "human", "value": s.prompt("eng_Latn")},
        {"from": "function_call", "value": json.dumps({"name": "get_weather", "arguments": {"city": "Bangkok", "unit": "celsius"}})},
        {"from": "observation", "value": json.dumps({"temperature": 31, "sky": "cloudy"})},
        {"from": "gpt", "value": s.answer("eng_Latn")}]})
    rows.append({"id": "sg-tools-id", "tools": tools, "conversations": [
        {"from": "human", "value": s.prompt("ind_Latn")},
        {"from": "function_call", "value": json.dumps([{"name": "search_news", "arguments": {"query": "banjir Jakarta", "max_results": 3}},
                                                       {"name": "get_weather", "arguments": {"city": "Jakarta"}}])},
        {"from": "observation", "value": json.dumps({"articles": ["Banjir surut di Jakarta Utara"]})},
        {"from": "observation", "value": json.dumps({"temperature": 29})},
        {"from": "gpt", "value": s.answer("ind_Latn")}]})
    rows.append({"id": planted.drop("tool_arguments_not_json", MIXED, "sg-badjson", "arguments text is not JSON"), "tools": tools,
                 "conversations": [{"from": "human", "value": s.prompt("eng_Latn")},
                                   {"from": "function_call", "value": json.dumps({"name": "get_weather", "arguments": "{city: Hanoi"})},
                                   {"from": "observation", "value": "{}"}, {"from": "gpt", "value": s.answer("eng_Latn")}]})
    rows.append({"id": planted.drop("role_order", MIXED, "sg-order", "two human turns in a row"), "conversations": [
        {"from": "human", "value": s.prompt("fil_Latn")}, {"from": "human", "value": s.prompt("fil_Latn")},
        {"from": "gpt", "value": s.answer("fil_Latn")}]})
    rows.append({"id": planted.drop("no_final_answer", MIXED, "sg-unfinished", "ends with a human turn"), "conversations": [
        {"from": "human", "value": s.prompt("zsm_Latn")}, {"from": "gpt", "value": s.answer("zsm_Latn")},
        {"from": "human", "value": s.prompt("zsm_Latn")}]})
    near = s.prompt("eng_Latn", 4)
    rows.append({"id": "sg-near-original", "conversations": [{"from": "human", "value": near}, {"from": "gpt", "value": s.answer("eng_Latn")}]})
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    return lines, near


def alpaca(s: Sentences, planted: Planted) -> list[dict]:
    """Items of mixed/alpaca.json (no ids: they become ``alpaca:<item>``): one per language, translation, defects."""
    items = [{"instruction": s.prompt(code), "input": s.prompt(code) if i % 2 else "", "output": s.answer(code)}
             for i, code in enumerate(LANGUAGES)]
    items.append({"instruction": TRANSLATE_TO_ENGLISH["vie_Latn"], "input": s.prompt("vie_Latn"), "output": s.answer("eng_Latn")})
    planted.keep(MIXED, f"alpaca:{len(items) - 1}", "Vietnamese instruction to translate, English answer")
    items.append({"instruction": s.prompt("khm_Khmr"), "input": "", "output": ""})
    planted.drop("empty_turn", MIXED, f"alpaca:{len(items) - 1}", "empty output")
    items.append({"instruction": s.prompt("vie_Latn"), "input": "", "output": s.answer("cmn_Hani", 3)})
    planted.drop("response_language_mismatch", MIXED, f"alpaca:{len(items) - 1}", "Vietnamese instruction, Chinese answer")
    return items


def nemotron(s: Sentences, planted: Planted) -> list[str]:
    """Lines of mixed/nemotron.jsonl: one reasoning row per language, translation, defects."""
    rows: list[dict] = []
    for i, code in enumerate(LANGUAGES):
        think = f"<think>\n{s.answer(code)}\n</think>\n\n" if i % 3 else "<think></think>"
        rows.append({"uuid": f"nm-{code}", "input": [user(s.prompt(code))], "output": think + s.answer(code),
                     "category": NEMOTRON_CATEGORIES[i % len(NEMOTRON_CATEGORIES)], "reasoning": "on" if i % 3 else "off",
                     "generator": "sample", "system_prompt": "detailed thinking on" if i % 3 else ""})
    rows.append({"uuid": planted.keep(MIXED, "nm-translate-th", "Thai instruction to translate, English answer"),
                 "input": [user(f"{TRANSLATE_TO_ENGLISH['tha_Thai']} {s.prompt('tha_Thai')}")],
                 "output": f"<think>{s.answer('eng_Latn', 1)}</think>{s.answer('eng_Latn')}", "category": "chat", "reasoning": "on"})
    rows.append({"uuid": planted.drop("truncated_answer", MIXED, "nm-unclosed", "think block never closed"),
                 "input": [user(s.prompt("tam_Taml"))], "output": "<think>\n" + s.answer("tam_Taml"), "category": "math", "reasoning": "on"})
    rows.append({"uuid": planted.drop("repetition_loop", MIXED, "nm-loop", "English answer loops"),
                 "input": [user(s.prompt("eng_Latn"))], "output": "<think></think>" + " ".join([s.answer("eng_Latn", 1)] * 10),
                 "category": "chat", "reasoning": "off"})
    return [json.dumps(row, ensure_ascii=False) for row in rows]


def prompt_response(s: Sentences, planted: Planted, exact: str, near: str) -> list[str]:
    """Lines of prompt-response/prompts.jsonl: one per language, a duplicate of each kind, defects."""
    rows = [{"id": f"pr-{code}", "prompt": s.prompt(code), "response": s.answer(code), "category": "general"} for code in LANGUAGES]
    rows.append({"id": planted.drop("exact_duplicate", PROMPTS, "pr-exact", "prompt equals the user turn of sea-chat-mixed/oa-tha_Thai-1"),
                 "prompt": exact, "response": s.answer("tha_Thai")})
    if " the " not in near:
        raise ValueError("the near-duplicate prompt needs a ' the ' to drop")
    near_copy = near.replace(" the ", " ", 1)
    rows.append({"id": planted.drop("near_duplicate", PROMPTS, "pr-near", "prompt is sea-chat-mixed/sg-near-original less one word"),
                 "prompt": near_copy, "response": s.answer("eng_Latn")})
    rows.append({"id": planted.drop("response_language_mismatch", PROMPTS, "pr-mismatch", "Thai prompt, English answer"),
                 "prompt": s.prompt("tha_Thai"), "response": s.answer("eng_Latn", 3)})
    rows.append({"id": planted.keep(PROMPTS, "pr-translation-km", "category Translation, Khmer prompt, English answer"),
                 "prompt": s.prompt("khm_Khmr"), "response": s.answer("eng_Latn"), "category": "Translation"})
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    lines.insert(3, json.dumps({"id": "pr-noresponse", "prompt": s.prompt("lao_Laoo")}, ensure_ascii=False))
    planted.malformed("prompt-response/prompts.jsonl", "line 4", "no 'response' field")
    return lines


def tool_rows(s: Sentences, planted: Planted) -> list[dict]:
    """Rows of tools/tool-calls.parquet (OpenAI messages with tool calls, ``tools`` as JSON text)."""
    tools = json.dumps([WEATHER, NEWS, CURRENCY], ensure_ascii=False)

    def tool(call_id: str | None, content: dict) -> dict:
        return {"role": "tool", "tool_call_id": call_id, "content": json.dumps(content)}

    def row(record_id: str, code: str, calls: list[dict], answers: list[dict]) -> dict:
        return {"id": record_id, "tools": tools, "messages": [
            user(s.prompt(code)), assistant(None, tool_calls=calls), *answers, assistant(s.answer(code))]}

    return [
        row("tc-en", "eng_Latn", [call("c1", "get_weather", {"city": "Bangkok", "unit": "celsius"})], [tool("c1", {"temperature": 31})]),
        row("tc-id", "ind_Latn", [call("c1", "search_news", {"query": "banjir", "max_results": 3})], [tool("c1", {"articles": []})]),
        row("tc-vi", "vie_Latn", [call("a", "get_weather", {"city": "Hà Nội"}), call("b", "convert_currency", {"amount": 100, "from": "USD", "to": "VND"})],
            [tool("a", {"temperature": 24}), tool("b", {"amount": 2540000})]),
        row("tc-th", "tha_Thai", [call("c1", "get_weather", {"city": "เชียงใหม่"})], [tool(None, {"temperature": 27})]),
        row(planted.drop("tool_arguments_required", TOOLS, "tc-missing", "convert_currency without 'to'"), "zsm_Latn",
            [call("c1", "convert_currency", {"amount": 50, "from": "MYR"})], [tool("c1", {"amount": 0})]),
        row(planted.drop("tool_arguments_enum", TOOLS, "tc-enum", "unit 'kelvin' is not in the enum"), "fil_Latn",
            [call("c1", "get_weather", {"city": "Manila", "unit": "kelvin"})], [tool("c1", {"temperature": 303})]),
        row(planted.drop("unanswered_tool_call", TOOLS, "tc-unanswered", "call c2 gets no tool message"), "eng_Latn",
            [call("c1", "get_weather", {"city": "Yangon"}), call("c2", "search_news", {"query": "Yangon"})], [tool("c1", {"temperature": 33})]),
    ]


def xlam(s: Sentences, planted: Planted) -> list[str]:
    """Lines of xlam/xlam.jsonl: query, answers and tools as JSON text, valid calls and defects."""
    tools = json.dumps(XLAM_TOOLS, ensure_ascii=False)

    def row(record_id: int, code: str, answers: list[dict] | str) -> dict:
        text = answers if isinstance(answers, str) else json.dumps(answers, ensure_ascii=False)
        return {"id": record_id, "query": s.prompt(code), "answers": text, "tools": tools}

    rows = [
        row(1, "eng_Latn", [{"name": "get_weather", "arguments": {"city": "Phnom Penh"}}]),
        row(2, "zsm_Latn", [{"name": "search_news", "arguments": {"query": "banjir Kelantan", "max_results": 2}}]),
        row(3, "tam_Taml", [{"name": "average", "arguments": {"numbers": [1.5, 2, 3]}}]),
        row(4, "lao_Laoo", [{"name": "get_weather", "arguments": {"city": "Vientiane", "unit": "celsius"}},
                            {"name": "search_news", "arguments": {"query": "Vientiane"}}]),
        row(5, "mya_Mymr", [{"name": "get_stock_price", "arguments": {"symbol": "AAPL"}}]),
        row(6, "eng_Latn", [{"name": "search_news", "arguments": {"query": "election", "max_results": "five"}}]),
        row(7, "cmn_Hani", '[{"name": "get_weather", "arguments": {"city": '),
    ]
    planted.drop("undeclared_tool", XLAM, "5", "get_stock_price is not among the tools")
    planted.drop("tool_arguments_type", XLAM, "6", "max_results is a string, not an integer")
    planted.malformed("xlam/xlam.jsonl", "line 7", "answers is cut-off JSON text")
    return [json.dumps(r, ensure_ascii=False) for r in rows]


# ------------------------------------------------------------------ writing


def write_all(output: Path) -> list[Path]:
    """Write every file of the sample under ``output``; return their paths."""
    rng = random.Random(SEED)
    s = Sentences(rng)
    planted = Planted()
    chat_lines, exact = openai_chat(s, planted)
    sharegpt_lines, near = sharegpt(s, planted)
    files = {
        "mixed/openai-chat.jsonl.gz": gzip.compress(_lines(chat_lines), compresslevel=9, mtime=0),
        "mixed/sharegpt.jsonl.zst": zstandard.ZstdCompressor(level=19).compress(_lines(sharegpt_lines)),
        "mixed/alpaca.json": json.dumps(alpaca(s, planted), ensure_ascii=False, indent=1).encode("utf-8"),
        "mixed/nemotron.jsonl": _lines(nemotron(s, planted)),
        "prompt-response/prompts.jsonl": _lines(prompt_response(s, planted, exact, near)),
        "xlam/xlam.jsonl": _lines(xlam(s, planted)),
    }
    written = []
    for name, data in files.items():
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    parquet = output / "tools" / "tool-calls.parquet"
    parquet.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(tool_rows(s, planted)), parquet, compression="zstd", compression_level=9)
    written.append(parquet)
    (output / "PLANTED.json").write_text(json.dumps(planted.entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return written + [output / "PLANTED.json"]


def _lines(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: list[str]) -> None:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    for path in write_all(output):
        print(path)


if __name__ == "__main__":
    main(sys.argv)
