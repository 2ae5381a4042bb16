"""Find eval items in texts: cut each text into the index's window lengths, join the window hashes
with the index in DuckDB, and turn the hits into one :class:`Match` per (text, eval item text).

The index table lives in DuckDB (in memory up to ``memory_limit``, spilled to a local folder beyond
it); each call joins one batch of texts' windows (a registered Arrow table) against it. Hits of one
item in one text are merged into runs of overlapping windows; the longest run is the reported span.
:func:`find_matches` is the entry point for anything that is not a curation part (post-training
turns)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from pipelines import storage
from pipelines.decontaminate.hashing import batch_window_hashes, batch_word_hashes
from pipelines.decontaminate.index import EvalIndex
from pipelines.decontaminate.words import paragraph_words
from pipelines.storage.parquet_io import read_table

#: Longest span text a match reports (characters).
MAX_SPAN_CHARS = 300


@dataclass(frozen=True)
class Match:
    """One eval item text found in one text: where (words, paragraphs) and which item."""

    text_index: int  # position of the text in the call's input
    benchmark: str
    eval_language: str
    split: str
    item_id: str
    field: str
    start: int  # first matched word (in the text's matching words)
    end: int  # one past the last word of the reported span
    matched_words: int  # words covered by any matching window of this item
    span: str  # the reported span's matching words, joined by spaces
    paragraphs: tuple[int, ...]  # line numbers of the text touched by any matching window


class Matcher:
    """An opened index: DuckDB holds its n-grams, Python its item table."""

    def __init__(self, index: EvalIndex, memory_limit: str = "1GB", spill_dir: str | None = None,
                 threads: int | None = None):
        self.index = index
        self._con = duckdb.connect()
        self._con.execute(f"SET memory_limit = {storage.sql_literal(memory_limit)}")
        if spill_dir:
            self._con.execute(f"SET temp_directory = {storage.sql_literal(spill_dir)}")
        if threads:
            self._con.execute(f"SET threads = {int(threads)}")
        storage.register_duckdb(self._con, index.folder)
        self._con.execute("CREATE TABLE ngrams AS SELECT * FROM read_parquet($path)", {"path": index.ngrams_path})
        self._items = read_table(index.items_path).to_pydict()

    def close(self) -> None:
        """Release the DuckDB connection."""
        self._con.close()

    def match(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[list[Match]]:
        """For each text (in its language: canonical code, any alias, or None for spaced), its matches."""
        if len(texts) != len(languages):
            raise ValueError(f"match: {len(texts)} texts but {len(languages)} languages")
        results: list[list[Match]] = [[] for _ in texts]
        if not self.index.lengths:  # nothing indexed (every item text too short)
            return results
        cut = [paragraph_words(text or "", language) for text, language in zip(texts, languages)]
        windows = self._windows([words for words, _ in cut])
        if windows.num_rows == 0:
            return results
        self._con.register("windows", windows)
        try:
            hits = self._con.execute(
                "SELECT w.doc, n.item, w.start, w.length FROM windows AS w "
                "JOIN ngrams AS n ON n.hash = w.hash AND n.length = w.length ORDER BY 1, 2, 3"
            ).fetchall()
        finally:
            self._con.unregister("windows")
        grouped: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for doc, item, start, length in hits:
            grouped.setdefault((doc, item), []).append((start, start + length))
        for (doc, item), ranges in grouped.items():
            words, paragraphs = cut[doc]
            results[doc].append(self._match(doc, item, ranges, words, paragraphs))
        return results

    def _windows(self, texts_words: list[list[str]]) -> pa.Table:
        word_hash, sizes = batch_word_hashes(texts_words)
        docs, starts, lengths, hashes = [], [], [], []
        for length in self.index.lengths:
            doc, start, window = batch_window_hashes(word_hash, sizes, length)
            docs.append(doc)
            starts.append(start)
            lengths.append(np.full(len(window), length, dtype=np.int16))
            hashes.append(window)
        return pa.table({"doc": np.concatenate(docs), "start": np.concatenate(starts),
                         "length": np.concatenate(lengths), "hash": np.concatenate(hashes)})

    def _match(self, doc: int, item: int, ranges: list[tuple[int, int]], words: list[str],
               paragraphs: list[int]) -> Match:
        runs: list[list[int]] = []
        for start, end in sorted(ranges):
            if runs and start <= runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([start, end])
        start, end = max(runs, key=lambda run: run[1] - run[0])
        touched = sorted({paragraphs[i] for run in runs for i in range(run[0], run[1])})
        return Match(
            text_index=doc,
            benchmark=self._items["benchmark"][item],
            eval_language=self._items["language"][item],
            split=self._items["split"][item],
            item_id=self._items["item_id"][item],
            field=self._items["field"][item],
            start=start,
            end=end,
            matched_words=sum(e - s for s, e in runs),
            span=" ".join(words[start:end])[:MAX_SPAN_CHARS],
            paragraphs=tuple(touched),
        )


def find_matches(texts: Sequence[str], languages: str | None | Sequence[str | None], matcher: Matcher) -> list[list[Match]]:
    """The eval items found in each of ``texts`` (e.g. the user and assistant turns of conversations);
    ``languages`` is one language for all texts or one per text (None: split on whitespace)."""
    if languages is None or isinstance(languages, str):
        languages = [languages] * len(texts)
    return matcher.match(list(texts), list(languages))
