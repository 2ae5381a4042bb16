"""Benchmark: seamix's post-training path vs a bare loop of transformers' apply_chat_template.

Data: every conversation the readers get from the bundled post-training sample (all layouts, in
the eleven languages, planted defects included), written ``--copies`` times (fresh ids) to one
OpenAI-layout JSON-lines file. Both paths read that file and use the same tokenizer and template:

* seamix: parse (pipelines.posttrain.readers, layout detection included) → language ID per turn
  and the structure, tool-call and response-language checks (check_batch) → chat-template total,
  prompt and trainable token counts (add_template_counts) of the kept conversations;
* bare loop: json.loads each line, then ``AutoTokenizer.apply_chat_template(messages, tools=tools,
  tokenize=True)`` per conversation (total tokens only; no checks, no trainable split).

The corpus is cut into files of ``--chunk`` conversations (at most one copy of the sample, so no
file repeats a text that seamix's batches would identify once) and the two paths run on each file in
turn (alternating which goes first), ``--repeats`` times, so both see the same load on a shared
machine; the times are summed per path. Prints conversations/s of both, their CPU seconds, and the ratio seamix / bare loop,
on the same input and per conversation tokenized (seamix counts only the conversations its checks keep).

    python bench/posttrain_bench.py --copies 20 --tokenizer qwen3
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import jinja2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.files import list_input_files
from pipelines.langid.identify import LanguageIdentifier
from pipelines.posttrain.checks import check_batch
from pipelines.posttrain.readers import read_conversations
from pipelines.posttrain.schema import to_openai
from pipelines.posttrain.sources import ChatSource, load_chat_sources
from pipelines.posttrain.tokens_task import add_template_counts, template_messages
from pipelines.runtime.problems import ErrorLog
from pipelines.tokens.registry import resolve_tokenizer


def sample_records() -> list[dict]:
    """The sample's conversations as OpenAI-layout records (messages, tools as a list, category)."""
    records = []
    for source in load_chat_sources(REPO / "sources" / "posttrain-demo.yaml"):
        for path in list_input_files(source.config):
            for table in read_conversations(source, path, ErrorLog()):
                for row in table.to_pylist():
                    openai = to_openai(row)
                    records.append({"messages": template_messages(row), "tools": openai["tools"],
                                    "category": row["category"]})
    return records


def write_corpus(folder: Path, records: list[dict], copies: int, chunk: int) -> list[Path]:
    """``copies`` x the records with fresh ids, one JSON object per line, in files of ``chunk`` lines."""
    lines = [json.dumps({"id": f"c{copy}-{i}", **record}, ensure_ascii=False) + "\n"
             for copy in range(copies) for i, record in enumerate(records)]
    paths = []
    for start in range(0, len(lines), chunk):
        path = folder / f"conversations-{start // chunk:04d}.jsonl"
        path.write_text("".join(lines[start:start + chunk]), encoding="utf-8")
        paths.append(path)
    return paths


def run_seamix(path: Path, tokenizer: str, identifier: LanguageIdentifier) -> int:
    """Parse, check and count; returns the conversations that got template counts."""
    source = ChatSource(SourceConfig(name="bench", kind="chat", paths=(str(path),)), format="openai")
    counted = 0
    for table in read_conversations(source, str(path), ErrorLog()):
        kept, _ = check_batch(table, identifier)
        counted += add_template_counts(kept, [tokenizer]).num_rows
    return counted


def run_bare(path: Path, reference) -> int:
    """json.loads + apply_chat_template(tokenize=True) per line; returns the conversations tokenized."""
    done = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            try:
                reference.apply_chat_template(record["messages"], tools=record["tools"], tokenize=True, return_dict=False)
            except jinja2.TemplateError:  # the template refused it (e.g. a planted role-order defect)
                continue
            done += 1
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=20, help="times the sample is repeated (default 20)")
    parser.add_argument("--tokenizer", default="qwen3", help="tokenizer and chat template (default qwen3)")
    parser.add_argument("--repeats", type=int, default=3, help="passes over the corpus (default 3)")
    parser.add_argument("--chunk", type=int, default=100, help="conversations per file (default 100)")
    args = parser.parse_args()

    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(str(resolve_tokenizer(args.tokenizer).parent))
    identifier = LanguageIdentifier()
    with tempfile.TemporaryDirectory(prefix="seamix-posttrain-bench-") as tmp:
        records = sample_records()
        if args.chunk > len(records):  # a file holding two copies would repeat its texts within one batch
            parser.error(f"--chunk must be at most {len(records)} (one copy of the sample per file): "
                         "language ID identifies each distinct text of a batch once")
        chunks = write_corpus(Path(tmp), records, args.copies, args.chunk)
        run_seamix(chunks[0], args.tokenizer, identifier)  # warm-up: template compiled, tokenizer and LID loaded
        run_bare(chunks[0], reference)
        runs = {"seamix": lambda path: run_seamix(path, args.tokenizer, identifier), "bare": lambda path: run_bare(path, reference)}
        seconds = {"seamix": 0.0, "bare": 0.0}
        cpu = {"seamix": 0.0, "bare": 0.0}
        counts = {"seamix": 0, "bare": 0}
        turn = 0
        for _ in range(args.repeats):
            for path in chunks:
                order = ("seamix", "bare") if turn % 2 == 0 else ("bare", "seamix")
                turn += 1
                for name in order:
                    start, cpu_start = time.perf_counter(), time.process_time()
                    counts[name] += runs[name](path)
                    seconds[name] += time.perf_counter() - start
                    cpu[name] += time.process_time() - cpu_start
    lines = len(records) * args.copies * args.repeats
    print(f"{lines:,} conversations ({args.repeats} passes over {args.copies} x the post-training sample), "
          f"tokenizer {args.tokenizer}")
    print(f"seamix parse + LID + checks + template counts: {seconds['seamix']:.2f} s, {lines / seconds['seamix']:,.0f} conv/s "
          f"({counts['seamix']:,} kept and counted)")
    print(f"bare json.loads + apply_chat_template:        {seconds['bare']:.2f} s, {lines / seconds['bare']:,.0f} conv/s "
          f"({counts['bare']:,} rendered)")
    print(f"CPU seconds (process_time, all threads): seamix {cpu['seamix']:.2f} s, bare loop {cpu['bare']:.2f} s, "
          f"ratio {cpu['bare'] / cpu['seamix']:.2f}x")
    print(f"ratio seamix / bare loop: {seconds['bare'] / seconds['seamix']:.2f}x on the same input; "
          f"{(counts['seamix'] / seconds['seamix']) / (counts['bare'] / seconds['bare']):.2f}x per conversation tokenized "
          "(the checks drop the planted defects before counting; the bare loop tokenizes all it can render)")


if __name__ == "__main__":
    main()
