"""The numpy fastText reader predicts what the fasttext library predicts from the same model file:
lid.176.ftz (quantized, pruned, hierarchical softmax) on generated text in every target script and
on NTREX-128, and small generated models (dense; softmax, hierarchical softmax, one-vs-all; word
n-grams) written in fastText's binary format."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import fasttext
import numpy as np
import pytest

from eval.realdata import NTREX, NTREX_FILES, missing, ntrex_documents
from pipelines.langid.backends import default_model_path
from pipelines.langid.fasttext_numpy import (
    FASTTEXT_MAGIC,
    LOSS_HS,
    LOSS_OVA,
    LOSS_SOFTMAX,
    FastTextFormatError,
    FastTextModel,
)

#: Letters of the eleven targets' scripts and a few others, to build words from.
ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyzàáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
    "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศสหอฮะาำิีึืุูเแโใไ่้๊๋",
    "ກຂຄງຈສຊຍດຕຖທນບປຜຝພຟມຢຣລວຫອຮະາຳິີຶືຸູເແໂໃໄ່້",
    "កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវសហឡអាិីឹឺុូួើឿៀេែៃោៅំះ",
    "ကခဂဃငစဆဇဈညဋဌဍဎဏတထဒဓနပဖဗဘမယရလဝသဟဠအာိီုူေဲံ့း်ျြွှ",
    "அஆஇஈஉஊஎஏஐஒஓஔகஙசஞடணதநபமயரலவழளறனாிீுூெேைொோௌ்",
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
    "абвгдежзийклмнопрстуфхцчшщъыьэюя",
    "😀🎉👍🏽0123456789.,!?-'\"()%",
]


def _words(rng: random.Random, count: int) -> list[str]:
    words = []
    for _ in range(count):
        alphabet = rng.choice(ALPHABETS)
        words.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
    return words


def _lines(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    lines = [" ".join(_words(rng, rng.randint(1, 40))) for _ in range(count)]
    return lines + ["", " ", "a\0b\tc\rd\x0be\x0cf", "__label__en hello", "__label__xx world", "</s> </s>",
                    "x" * 3000, "  double  spaces  "]


def _library(path: str, lines: list[str], k: int) -> list[list[tuple[str, float]]]:
    model = fasttext.load_model(path)
    out = []
    for line in lines:
        labels, probs = model.predict(line, k=k)
        out.append([(label.removeprefix("__label__"), float(p)) for label, p in zip(labels, probs)])
    return out


def _assert_same(ours: list, theirs: list, lines: list[str], tolerance: float) -> None:
    """Same probabilities in order and the same labels, except that labels tied on one probability
    (the table sigmoid of one-vs-all gives ties) may come in another order, or, tied at the k-th, be others."""
    for line, mine, reference in zip(lines, ours, theirs, strict=True):
        assert [p for _, p in mine] == pytest.approx([p for _, p in reference], abs=tolerance), line[:80]
        last = min((p for _, p in reference), default=None)
        tied = {p for _, p in reference if [q for _, q in reference].count(p) > 1}
        for (label, p), (expected, _) in zip(mine, reference):
            if p not in tied and p != last:
                assert label == expected, line[:80]
        for p in tied - {last}:
            assert {a for a, q in mine if q == p} == {b for b, q in reference if q == p}, line[:80]


def test_lid176_generated_text_in_every_script():
    lines = _lines(7, 400)
    ours = FastTextModel(default_model_path()).predict(lines, k=5)
    _assert_same(ours, _library(default_model_path(), lines, 5), lines, 1e-6)


def test_lid176_is_the_same_one_line_at_a_time_and_after_its_cache_filled():
    model = FastTextModel(default_model_path())
    lines = _lines(8, 50)
    batch = model.predict(lines, k=3)
    assert [model.predict([line], k=3)[0] for line in lines] == batch
    assert model.predict(lines, k=3) == batch  # every token cached now


@pytest.mark.skipif(bool(missing(NTREX)), reason="needs ../shared/realdata (NTREX-128)")
def test_lid176_on_ntrex_documents():
    lines = [" ".join(doc[:2000].split()) for language in NTREX_FILES for doc in ntrex_documents(language)[:40]]
    ours = FastTextModel(default_model_path()).predict(lines, k=3)
    _assert_same(ours, _library(default_model_path(), lines, 3), lines, 1e-6)


def _write_model(path: Path, loss: int, dim: int, word_ngrams: int, minn: int, maxn: int, seed: int) -> None:
    """A small supervised model in fastText's binary format (version 12), dense, random weights."""
    rng = np.random.default_rng(seed)
    words = [b"</s>", b"the", b"dan", "ของ".encode(), "的".encode(), b"ke"]
    labels = [b"__label__en", b"__label__id", b"__label__th", b"__label__zh", b"__label__ms"]
    bucket = 997
    out = [struct.pack("<ii", FASTTEXT_MAGIC, 12),
           struct.pack("<12i", dim, 5, 1, 1, 5, word_ngrams, loss, 3, bucket, minn, maxn, 100), struct.pack("<d", 1e-4),
           struct.pack("<iii", len(words) + len(labels), len(words), len(labels)), struct.pack("<qq", 1000, -1)]
    for index, word in enumerate(words):
        out.append(word + b"\0" + struct.pack("<qb", 100 - index, 0))
    for index, label in enumerate(labels):
        out.append(label + b"\0" + struct.pack("<qb", 50 - 7 * index, 1))
    out.append(struct.pack("<?", False))
    out.append(struct.pack("<qq", len(words) + bucket, dim))
    out.append(rng.normal(0, 0.5, (len(words) + bucket, dim)).astype("<f4").tobytes())
    out.append(struct.pack("<?", False))
    out.append(struct.pack("<qq", len(labels), dim))
    out.append(rng.normal(0, 1.0, (len(labels), dim)).astype("<f4").tobytes())
    path.write_bytes(b"".join(out))


@pytest.mark.parametrize("loss", [LOSS_SOFTMAX, LOSS_HS, LOSS_OVA])
@pytest.mark.parametrize("dim, word_ngrams, minn, maxn", [(16, 1, 2, 4), (10, 2, 1, 3), (16, 3, 3, 6)])
def test_generated_dense_models(tmp_path: Path, loss: int, dim: int, word_ngrams: int, minn: int, maxn: int):
    path = tmp_path / "model.bin"
    _write_model(path, loss, dim, word_ngrams, minn, maxn, seed=dim + loss)
    lines = _lines(loss, 200)
    ours = FastTextModel(path).predict(lines, k=4)
    _assert_same(ours, _library(str(path), lines, 4), lines, 1e-5)


def test_threshold_and_k_as_the_library_applies_them():
    lines = _lines(9, 100)
    model = FastTextModel(default_model_path())
    reference = fasttext.load_model(default_model_path())
    for line, ranking in zip(lines, model.predict(lines, k=10, threshold=0.05)):
        labels, _ = reference.predict(line, k=10, threshold=0.05)
        assert [label for label, _ in ranking] == [label.removeprefix("__label__") for label in labels]
        assert all(p >= 0.05 for _, p in ranking)
    with pytest.raises(ValueError, match="k must be positive"):
        model.predict(["x"], k=0)
    with pytest.raises(ValueError, match="one line at a time"):
        model.predict(["two\nlines"], k=1)


def test_files_that_are_not_models_are_refused(tmp_path: Path):
    (tmp_path / "text.bin").write_bytes(b"not a model at all, just some bytes")
    with pytest.raises(FastTextFormatError, match="text.bin: not a fastText model"):
        FastTextModel(tmp_path / "text.bin")
    whole = Path(default_model_path()).read_bytes()
    (tmp_path / "cut.ftz").write_bytes(whole[:len(whole) // 2])
    with pytest.raises(FastTextFormatError, match="cut.ftz: truncated"):
        FastTextModel(tmp_path / "cut.ftz")
