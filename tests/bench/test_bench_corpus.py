"""The end-to-end benchmark's corpus: real pages, every record distinct, planted duplicates as
announced, and all of it readable by seamix's WARC reader."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from eval.realdata import REALDATA

pytestmark = pytest.mark.integration

if not (REALDATA / "warc").is_dir():
    pytest.skip(f"needs ../shared/realdata (absent: {REALDATA})", allow_module_level=True)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "e2e"))
from corpus import build_corpus  # noqa: E402

from pipelines.ingest.config import SourceConfig
from pipelines.ingest.readers import read_documents  # noqa: E402
from pipelines.runtime.problems import ErrorLog  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("corpus"), megabytes=3, file_mb=1)


def test_corpus_has_the_requested_size_in_several_files(corpus):
    assert corpus.html_bytes >= 3e6
    assert len(corpus.files) >= 3


def test_every_record_is_read_with_its_own_id_and_url(corpus):
    rows = []
    for path in corpus.files:
        source = SourceConfig(name="bench", kind="warc", paths=(str(path),))
        errors = ErrorLog()
        for batch in read_documents(source, str(path), errors):
            rows += batch.select(["id", "url", "html"]).to_pylist()
        assert not errors.counts, errors.counts
    assert len(rows) == corpus.records
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["url"] for r in rows}) == len(rows)
    distinct_pages = len({r["html"] for r in rows})
    assert distinct_pages == corpus.records - corpus.exact_duplicates  # only the planted copies repeat


def test_a_second_build_reuses_the_finished_corpus(corpus):
    again = build_corpus(corpus.files[0].parent, megabytes=3, file_mb=1)
    assert again == corpus
