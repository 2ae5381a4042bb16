"""fastText supervised-model inference in numpy, many lines at once: the labels and probabilities
``fasttext``'s ``predict(line, k)`` gives, read from the same ``.ftz``/``.bin`` file (decision 42).

fastText predicts one line per call (~10 us fixed, plus ~0.7 us a character for lid.176.ftz: a
std::string built and hashed per character n-gram). Here a batch of lines is split into tokens in
Python, the character n-grams of the tokens not seen before are hashed together in numpy (FNV-1a,
the model's minn..maxn, pruned buckets remapped), the rows are gathered from the dequantized input
matrix and averaged per line, and the output layer (hierarchical softmax, softmax, one-vs-all or
negative sampling) runs for the whole batch. The float32 operations follow fastText's order (rows
added one by one, dot products summed over the dimensions in order, the same sigmoid and
``log(x + 1e-5)``), so the probabilities equal the library's on lid.176 (tests/langid/test_fasttext_numpy.py).
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FASTTEXT_MAGIC = 793712314
#: fastText's loss_name values.
LOSS_HS, LOSS_NS, LOSS_SOFTMAX, LOSS_OVA = 1, 2, 3, 4
#: fastText's model_name value of supervised models.
MODEL_SUPERVISED = 3
EOS = b"</s>"
BOW, EOW = b"<", b">"
LABEL_PREFIX = b"__label__"
#: NUL, which fastText's readWord splits on besides the ASCII whitespace bytes.split() knows.
_SEPARATORS = bytes.maketrans(b"\0", b" ")
#: Product-quantizer centroids per sub-quantizer (8 bits).
_KSUB = 256
#: Rows of one summed block at most (its lines times the longest of them; see _hidden).
_CHUNK_ROWS = 1 << 18
#: Characters of the lines predicted together (1,353 NTREX documents of 2,000 characters from a cold
#: cache: 0.64 s in slices of 64 documents, 0.85 s in slices of 1,024; the library 1.0 s).
_BATCH_CHARS = 1 << 17
#: Longest line of a summed block, as a multiple of its shortest (the zero padding is at most this).
_GROUP_SPREAD = 2.0
#: Tokens whose input rows are kept between calls; the cache starts over beyond this.
_CACHE_TOKENS = 200_000
_FNV_OFFSET, _FNV_PRIME = np.uint32(2166136261), np.uint32(16777619)
_SIGMOID_TABLE_SIZE, _MAX_SIGMOID = 512, 8

Ranking = list[tuple[str, float]]


class FastTextFormatError(ValueError):
    """A file that is not a fastText supervised model this reader knows."""


@dataclass(frozen=True)
class _Args:
    dim: int
    word_ngrams: int
    loss: int
    bucket: int
    minn: int
    maxn: int


class _Reader:
    """Sequential little-endian reads over the model file's bytes."""

    def __init__(self, data: bytes | mmap.mmap, path: str) -> None:
        self.data, self.offset, self.path = data, 0, path

    def take(self, fmt: str) -> tuple:
        try:
            values = struct.unpack_from("<" + fmt, self.data, self.offset)
        except struct.error as error:
            raise FastTextFormatError(f"{self.path}: truncated at byte {self.offset}") from error
        self.offset += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize * count
        if self.offset + size > len(self.data):
            raise FastTextFormatError(f"{self.path}: truncated at byte {self.offset}")
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.offset)
        self.offset += size
        return values

    def cstring(self) -> bytes:
        end = self.data.find(b"\0", self.offset)
        if end < 0:
            raise FastTextFormatError(f"{self.path}: truncated in the dictionary")
        value, self.offset = self.data[self.offset:end], end + 1
        return value


def _product_quantized(reader: _Reader, rows: int) -> tuple[np.ndarray, np.ndarray | None]:
    """A QuantMatrix (codes, product quantizer, optional norm quantizer) as dense float32 rows of
    centroids and, when it has one, each row's norm."""
    qnorm, = reader.take("?")
    m, n = reader.take("qq")
    codesize, = reader.take("i")
    codes = reader.array("u1", codesize)
    dim, nsubq, dsub, lastdsub = reader.take("4i")
    centroids = reader.array("<f4", dim * _KSUB)
    if m != rows or dim != n or codesize != m * nsubq:
        raise FastTextFormatError(f"{reader.path}: inconsistent quantized matrix ({m} x {n}, {codesize} codes)")
    codes = codes.reshape(m, nsubq)
    parts = []
    for sub in range(nsubq):
        width = lastdsub if sub == nsubq - 1 else dsub
        table = centroids[sub * _KSUB * dsub:sub * _KSUB * dsub + _KSUB * width].reshape(_KSUB, width)
        parts.append(table[codes[:, sub]])
    dense = np.ascontiguousarray(np.concatenate(parts, axis=1), dtype=np.float32)
    if not qnorm:
        return dense, None
    norm_codes = reader.array("u1", m)
    reader.take("4i")
    return dense, reader.array("<f4", _KSUB)[norm_codes]


def _dense(reader: _Reader) -> np.ndarray:
    m, n = reader.take("qq")
    return reader.array("<f4", m * n).reshape(m, n)


class FastTextModel:
    """A fastText supervised model read from its file, predicting many lines per call."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        with open(path, "rb") as handle:  # mapped, not read: a dense GlotLID matrix is shared by the workers' pages
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if Path(path).stat().st_size else b""
        reader = _Reader(data, self.path)
        magic, _version = reader.take("ii")
        if magic != FASTTEXT_MAGIC:
            raise FastTextFormatError(f"{self.path}: not a fastText model (magic {magic})")
        dim, _ws, _epoch, _min_count, _neg, word_ngrams, loss, model, bucket, minn, maxn, _lr_update = reader.take("12i")
        reader.take("d")
        self.args = _Args(dim, word_ngrams, loss, bucket, minn, maxn)
        if model != MODEL_SUPERVISED:
            raise FastTextFormatError(f"{self.path}: not a supervised (classification) model")
        if loss not in (LOSS_HS, LOSS_NS, LOSS_SOFTMAX, LOSS_OVA):
            raise FastTextFormatError(f"{self.path}: unknown loss {loss}")
        size, nwords, nlabels = reader.take("3i")
        _ntokens, pruneidx_size = reader.take("qq")
        entries = []
        for _ in range(size):
            word = reader.cstring()
            count, kind = reader.take("qb")
            entries.append((word, count, kind))
        self.labels = [word.removeprefix(LABEL_PREFIX).decode("utf-8", "replace") for word, _, _ in entries[nwords:]]
        self._vocabulary = {word: index for index, (word, _, kind) in enumerate(entries) if kind == 0}
        pairs = reader.array("<i4", 2 * pruneidx_size).reshape(-1, 2) if pruneidx_size > 0 else None
        self._pruned_all = pruneidx_size == 0
        if pairs is not None:
            self._bucket_row = np.full(bucket, -1, dtype=np.int32)
            self._bucket_row[pairs[:, 0]] = nwords + pairs[:, 1]
        else:
            self._bucket_row = nwords + np.arange(bucket, dtype=np.int32)
        quantized, = reader.take("?")
        if quantized:  # addcode adds float32(norm * centroid) per value
            rows, norms = _product_quantized(reader, nwords + (pruneidx_size if pruneidx_size >= 0 else bucket))
            self._input = rows if norms is None else rows * norms[:, None]
        elif pairs is not None or self._pruned_all:
            raise FastTextFormatError(f"{self.path}: a pruned dictionary needs a quantized input matrix")
        else:
            self._input = _dense(reader)
        quantized_output, = reader.take("?")
        self._output_norms: np.ndarray | None = None
        if quantized and quantized_output:  # mulcode sums centroid * value, then scales by the norm
            self._output, self._output_norms = _product_quantized(reader, nlabels)
        else:
            self._output = np.ascontiguousarray(_dense(reader))
        if self._input.shape[1] != dim or self._output.shape != (nlabels, dim):
            raise FastTextFormatError(f"{self.path}: matrix shapes do not match dim {dim} and {nlabels} labels")
        if loss == LOSS_HS:
            self._tree = _HuffmanTree([count for _, count, _ in entries[nwords:]])
        self._sigmoid_table = _sigmoid_table()
        self._reset_cache()

    def predict(self, lines: Sequence[str], k: int = 1, threshold: float = 0.0) -> list[Ranking]:
        """For each line (no newline), up to ``k`` (label without ``__label__``, probability) pairs, best
        first, as ``fasttext.load_model(path).predict(line, k, threshold)`` returns them."""
        if k <= 0:
            raise ValueError("k must be positive")
        out: list[Ranking] = []
        start = 0
        while start < len(lines):  # slices of about _BATCH_CHARS characters: arrays that stay in cache
            end, chars = start, 0
            while end < len(lines) and (end == start or chars + len(lines[end]) <= _BATCH_CHARS):
                chars += len(lines[end])
                end += 1
            out += self._predict_slice(lines[start:end], k, threshold)
            start = end
        return out

    def _predict_slice(self, lines: Sequence[str], k: int, threshold: float) -> list[Ranking]:
        if len(self._index) > _CACHE_TOKENS:
            self._reset_cache()
        tokenized = [self._tokens(line) for line in lines]
        index = self._index
        new = {token for tokens in tokenized for token in tokens if token not in index}
        if new:
            self._add_tokens(new)
        token_ids = np.array([index[token] for tokens in tokenized for token in tokens], dtype=np.int64)
        per_line = np.fromiter(map(len, tokenized), dtype=np.int64, count=len(tokenized))  # >= 1: EOS
        counts = self._counts[token_ids]
        lengths = np.add.reduceat(counts, np.cumsum(per_line) - per_line)
        ends = np.cumsum(counts)
        flat = self._flat[np.repeat(self._starts[token_ids] - (ends - counts), counts) + np.arange(ends[-1])]
        if self.args.word_ngrams > 1:
            flat, lengths = self._with_word_ngrams(tokenized, flat, lengths)
        out: list[Ranking] = [[] for _ in lines]
        has_rows = np.flatnonzero(lengths)  # a line without rows gets no prediction
        if len(has_rows):
            hidden = self._hidden(flat, lengths)[has_rows]
            for line, ranking in zip(has_rows.tolist(), self._rank(hidden, k, threshold)):
                out[line] = ranking
        return out

    def _tokens(self, line: str) -> list[bytes]:
        if "\n" in line:
            raise ValueError("predict processes one line at a time (remove '\\n')")
        tokens = line.encode("utf-8").translate(_SEPARATORS).split()
        if EOS in tokens:  # fastText's getLine stops at the first EOS, typed or the line's end
            return tokens[:tokens.index(EOS) + 1]
        tokens.append(EOS)
        return tokens

    def _reset_cache(self) -> None:
        """Forget the tokens seen so far (their rows live in growing buffers)."""
        self._index: dict[bytes, int] = {}
        self._starts = np.zeros(1024, dtype=np.int64)
        self._counts = np.zeros(1024, dtype=np.int64)
        self._flat = np.zeros(1 << 16, dtype=np.int64)
        self._used = 0

    def _add_tokens(self, tokens: set[bytes]) -> None:
        """Store the input rows of new ``tokens``: a vocabulary word's own row then its n-grams', an
        unknown word's n-grams, none for a label or an unknown EOS."""
        ordered = list(tokens)
        words = [t for t in ordered if t != EOS and (t in self._vocabulary or not t.startswith(LABEL_PREFIX))]
        ngram_rows, ngram_counts = self._ngram_rows(words)
        per_token = dict(zip(words, ngram_counts.tolist()))
        wid = np.array([self._vocabulary.get(t, -1) for t in ordered], dtype=np.int64)
        own = wid >= 0
        counts = np.array([per_token.get(t, 0) for t in ordered], dtype=np.int64) + own
        rows = np.empty(int(counts.sum()), dtype=np.int64)
        first = np.cumsum(counts) - counts
        is_word = np.zeros(len(rows), dtype=bool)
        is_word[first[own]] = True
        rows[is_word] = wid[own]
        rows[~is_word] = ngram_rows  # words in `ordered` order, each word's n-grams after its own row
        base = len(self._index)
        self._starts = _grown(self._starts, base + len(ordered))
        self._counts = _grown(self._counts, base + len(ordered))
        self._flat = _grown(self._flat, self._used + len(rows))
        self._starts[base:base + len(ordered)] = self._used + first
        self._counts[base:base + len(ordered)] = counts
        self._flat[self._used:self._used + len(rows)] = rows
        self._used += len(rows)
        self._index.update(zip(ordered, range(base, base + len(ordered))))

    def _ngram_rows(self, words: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """Input rows of the character n-grams of ``<word>`` for all words (in fastText's order, word
        after word) and how many each word has."""
        if not words or self._pruned_all or self.args.maxn <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(len(words), dtype=np.int64)
        wrapped = [BOW + word + EOW for word in words]
        raw = np.frombuffer(b"".join(wrapped), dtype=np.uint8)
        signed = raw.view(np.int8).astype(np.int32).view(np.uint32)  # uint32_t(int8_t(c))
        lead = np.flatnonzero((raw & 0xC0) != 0x80)  # characters: a lead byte and its continuation bytes
        word_end = np.cumsum(np.fromiter(map(len, wrapped), dtype=np.int64, count=len(wrapped)))
        word_of_char = np.searchsorted(word_end, lead, side="right")
        char_end = np.minimum(np.append(lead[1:], len(raw)), word_end[word_of_char])
        chars_per_word = np.bincount(word_of_char, minlength=len(words))
        first_char = np.cumsum(chars_per_word) - chars_per_word
        position = np.arange(len(lead)) - first_char[word_of_char]
        remaining = chars_per_word[word_of_char] - position  # characters from this one to the word's end
        minn, maxn, bucket = self.args.minn, self.args.maxn, np.uint32(self.args.bucket)
        pad = np.zeros(maxn, dtype=np.int64)
        lengths = np.concatenate((char_end - lead, pad))
        widest = int(lengths.max())
        char_bytes = [np.concatenate((signed[np.minimum(lead + t, len(raw) - 1)], pad.astype(np.uint32)))
                      for t in range(widest)]
        state = np.full(len(lead), _FNV_OFFSET, dtype=np.uint32)
        grid = np.full((len(lead), maxn), -1, dtype=np.int32)
        size = len(lead)
        for n in range(1, maxn + 1):  # the n-gram starting at each character extends the (n-1)-gram
            shift = n - 1
            state = (state ^ char_bytes[0][shift:shift + size]) * _FNV_PRIME
            for t in range(1, widest):
                more = lengths[shift:shift + size] > t
                if more.any():
                    state = np.where(more, (state ^ char_bytes[t][shift:shift + size]) * _FNV_PRIME, state)
            if n < minn:
                continue
            emit = n <= remaining
            if n == 1:
                emit &= (position != 0) & (remaining != 1)
            grid[:, n - 1] = np.where(emit, self._bucket_row[(state % bucket).astype(np.int64)], -1)
        kept = grid >= 0
        return grid[kept].astype(np.int64), np.add.reduceat(kept.sum(axis=1), first_char)  # every word has '<' and '>'

    def _with_word_ngrams(self, tokenized: list[list[bytes]], flat: np.ndarray,
                          lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``flat`` with each line's word n-gram rows after its token rows (wordNgrams > 1)."""
        pieces, ends = [], np.cumsum(lengths)
        extra = [self._word_ngrams(tokens) for tokens in tokenized]
        for line, rows in enumerate(extra):
            pieces += [flat[ends[line] - lengths[line]:ends[line]], rows]
        return np.concatenate(pieces), lengths + np.array([len(rows) for rows in extra], dtype=np.int64)

    def _word_ngrams(self, tokens: list[bytes]) -> np.ndarray:
        """Rows of the word n-grams of a line's words, as fastText's addWordNgrams makes them."""
        if self._pruned_all:
            return _rows([])
        words = [t for t in tokens if t == EOS or t in self._vocabulary or not t.startswith(LABEL_PREFIX)]
        hashes = [_signed_fnv(word) for word in words]
        rows = []
        mask = (1 << 64) - 1
        for i, first in enumerate(hashes):
            h = first & mask
            for j in range(i + 1, min(len(hashes), i + self.args.word_ngrams)):
                h = (h * 116049371 + (hashes[j] & mask)) & mask
                row = int(self._bucket_row[h % self.args.bucket])
                if row >= 0:
                    rows.append(row)
        return _rows(rows)

    def _hidden(self, flat: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Per line, the mean of its input rows: added one by one in order (lines of similar length
        side by side in a zero-padded block summed over its first axis, which numpy does row after
        row; reduceat would sum pairwise), then scaled by float32(1/n). Lines without rows get 0."""
        dim = self._input.shape[1]
        hidden = np.zeros((len(lengths), dim), dtype=np.float32)
        starts = np.cumsum(lengths) - lengths
        by_length = np.argsort(lengths, kind="stable")
        sorted_lengths = lengths[by_length]
        group_start = 0
        while group_start < len(by_length):  # lines within _GROUP_SPREAD of the shortest, up to _CHUNK_ROWS rows
            limit = max(int(sorted_lengths[group_start] * _GROUP_SPREAD), int(sorted_lengths[group_start]) + 8)
            group_end = int(np.searchsorted(sorted_lengths, limit, side="right"))
            group_end = min(group_end, group_start + max(1, _CHUNK_ROWS // max(limit, 1)))
            group = by_length[group_start:group_end]
            group_lengths = lengths[group]
            longest = int(group_lengths.max())
            if longest:
                line = np.repeat(np.arange(len(group)), group_lengths)
                offset = np.arange(int(group_lengths.sum())) - np.repeat(np.cumsum(group_lengths) - group_lengths, group_lengths)
                block = np.zeros((longest, len(group), dim), dtype=np.float32)
                block[offset, line] = self._input[flat[np.repeat(starts[group], group_lengths) + offset]]
                scale = (1.0 / np.maximum(group_lengths, 1).astype(np.float64)).astype(np.float32)
                hidden[group] = np.add.reduce(block, axis=0) * scale[:, None]
            group_start = group_end
        return hidden

    def _dots(self, hidden: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """``hidden @ rows.T`` summed over the dimensions in order, as DenseMatrix::dotRow."""
        out = np.zeros((hidden.shape[0], rows.shape[0]), dtype=np.float32)
        for j in range(hidden.shape[1]):
            out += hidden[:, j:j + 1] * rows[None, :, j]
        return out

    def _rank(self, hidden: np.ndarray, k: int, threshold: float) -> list[Ranking]:
        loss = self.args.loss
        dots = self._dots(hidden, self._output)
        if self._output_norms is not None:
            dots = dots * self._output_norms[None, :]
        if loss == LOSS_HS:
            scores, labels = self._tree.best(dots, k, _std_log(np.float32(threshold)))
        else:
            if loss == LOSS_SOFTMAX:
                output = _softmax(dots)
            else:  # one-vs-all and negative sampling: fastText's table sigmoid per label
                output = _sigmoid(dots, self._sigmoid_table)
            scores = _std_log(output)
            scores[output < np.float32(threshold)] = -np.inf
            labels = np.argsort(-scores, axis=1, kind="stable")[:, :k]
            scores = np.take_along_axis(scores, labels, axis=1)
        probabilities = _expf(scores)
        return [[(self.labels[label], float(p)) for label, s, p in zip(line_labels, line_scores, line_probs)
                 if label >= 0 and s > -np.inf]
                for line_labels, line_scores, line_probs in zip(labels.tolist(), scores.tolist(), probabilities.tolist())]


class _HuffmanTree:
    """fastText's hierarchical-softmax tree over the labels, built from their counts, with every
    label's path from the root (internal node and branch per step)."""

    def __init__(self, counts: list[int]) -> None:
        osz = len(counts)
        self.osz = osz
        nodes = 2 * osz - 1
        parent, right_child = [-1] * nodes, [False] * nodes
        count = [int(c) for c in counts] + [10**15] * (nodes - osz)
        leaf, node = osz - 1, osz
        for i in range(osz, nodes):  # HierarchicalSoftmaxLoss::buildTree
            mini = [0, 0]
            for j in range(2):
                if leaf >= 0 and count[leaf] < count[node]:
                    mini[j], leaf = leaf, leaf - 1
                else:
                    mini[j], node = node, node + 1
            count[i] = count[mini[0]] + count[mini[1]]
            parent[mini[0]] = parent[mini[1]] = i
            right_child[mini[1]] = True
        depth = [0] * nodes
        for i in range(nodes - 2, -1, -1):  # parents come after their children
            depth[i] = depth[parent[i]] + 1
        by_depth: dict[int, list[int]] = {}
        for i in range(nodes - 1):
            by_depth.setdefault(depth[i], []).append(i)
        #: Per depth below the root: the nodes, their parents and the [go left | go right] row of each.
        self.levels = [(np.array(level), np.array([parent[i] for i in level]),
                        np.array([parent[i] - osz + (osz - 1 if right_child[i] else 0) for i in level]))
                       for _, level in sorted(by_depth.items())]

    def best(self, dots: np.ndarray, k: int, log_threshold: np.float32) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (log-probability, label) per row of ``dots`` (the output rows' scores). Each node's
        score is its parent's plus float32 log(branch + 1e-5), as HierarchicalSoftmaxLoss::dfs adds
        them; a label is out when its path falls below the threshold on the way, as dfs prunes it (dfs
        also skips a subtree below its k-th best so far, which leaves the top k as they are except
        between labels within about 1e-4 of each other in log-probability)."""
        e = _expf(-dots[:, :self.osz - 1].T)  # the output matrix's rows of the internal nodes
        f = (1.0 / (np.float32(1) + e).astype(np.float64)).astype(np.float32)  # f = 1. / (1 + std::exp(-f))
        branches = np.concatenate((_std_log((1.0 - f.astype(np.float64)).astype(np.float32)), _std_log(f)))
        batch = dots.shape[0]
        scores = np.zeros((2 * self.osz - 1, batch), dtype=np.float32)
        reached = np.ones((2 * self.osz - 1, batch), dtype=bool)
        for nodes, parents, rows in self.levels:
            scores[nodes] = scores[parents] + branches[rows]
            reached[nodes] = reached[parents] & (scores[nodes] >= log_threshold)
        leaves = np.where(reached[:self.osz], scores[:self.osz], -np.inf).T
        top = np.argsort(-leaves, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(leaves, top, axis=1), top


def _signed_fnv(word: bytes) -> int:
    """fastText's word hash stored as int32 and widened to 64 bits (sign-extended)."""
    h = 2166136261
    for byte in word:
        h = ((h ^ (byte | 0xFFFFFF00 if byte >= 0x80 else byte)) * 16777619) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def _expf(x: np.ndarray) -> np.ndarray:
    """float32 exp, computed in float64 and rounded (as glibc's expf)."""
    with np.errstate(over="ignore"):
        return np.exp(np.asarray(x, dtype=np.float64)).astype(np.float32)


def _std_log(x: np.ndarray | np.float32) -> np.ndarray:
    """fastText's std_log: float32(log(double(x) + 1e-5))."""
    return np.log(np.asarray(x, dtype=np.float64) + 1e-5).astype(np.float32)


def _softmax(output: np.ndarray) -> np.ndarray:
    """SoftmaxLoss::computeOutput: exp(x - max), summed in order, divided."""
    shifted = _expf(output - output.max(axis=1, keepdims=True))
    z = np.zeros(output.shape[0], dtype=np.float32)
    for i in range(output.shape[1]):
        z += shifted[:, i]
    return shifted / z[:, None]


def _sigmoid_table() -> np.ndarray:
    x = (np.arange(_SIGMOID_TABLE_SIZE + 1) * 2 * _MAX_SIGMOID).astype(np.float32) / np.float32(_SIGMOID_TABLE_SIZE)
    x = x - np.float32(_MAX_SIGMOID)
    return (1.0 / (1.0 + _expf(-x).astype(np.float64))).astype(np.float32)


def _sigmoid(x: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Loss::sigmoid: 0 below -8, 1 above 8, else the table entry at int((x + 8) * 512 / 8 / 2)."""
    index = ((x + np.float32(_MAX_SIGMOID)) * np.float32(_SIGMOID_TABLE_SIZE) / np.float32(_MAX_SIGMOID)
             / np.float32(2))
    out = table[np.clip(np.nan_to_num(index), 0, _SIGMOID_TABLE_SIZE).astype(np.int64)]
    out[x < -_MAX_SIGMOID] = 0.0
    out[x > _MAX_SIGMOID] = 1.0
    return out


def _rows(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    """``array``, or a copy at least twice as long, so that it holds ``size`` entries."""
    if size <= len(array):
        return array
    grown = np.zeros(max(size, 2 * len(array)), dtype=array.dtype)
    grown[:len(array)] = array
    return grown
