"""normalize_text: invisible characters, NFC, Zawgyi -> Unicode (unit strings + the real parallel corpus)."""

from __future__ import annotations

import random
import unicodedata

import pytest

from eval.realdata import REALDATA as SHARED_REALDATA
from pipelines.langid.normalize import (
    _zawgyi_detector,
    normalize_text,
    zawgyi_converter,
    zawgyi_llr_probability,
    zawgyi_probability,
)

ZAWGYI_DIR = SHARED_REALDATA / "multilingual" / "myanmar_zawgyi"


def test_zero_width_characters_and_soft_hyphen_are_removed():
    text, converted = normalize_text("ab\u200bc\ufeffd\u2060e\u00adf")
    assert text == "abcdef"
    assert converted is False


def test_zwj_and_zwnj_are_kept():
    text = "\u0915\u094d\u200d\u0937 \u0645\u200c\u06cc \U0001f469\u200d\U0001f4bb"
    assert normalize_text(text)[0] == unicodedata.normalize("NFC", text)
    assert "\u200c" in normalize_text(text)[0] and "\u200d" in normalize_text(text)[0]


def test_output_is_nfc():
    decomposed = "Vie\u0302\u0323t Nam, cafe\u0301"
    text, _ = normalize_text(decomposed)
    assert text == "Việt Nam, café"
    assert unicodedata.is_normalized("NFC", text)


def test_zawgyi_burmese_is_converted_to_unicode():
    zawgyi = "ေနျပည္ေတာ္ ဇူလုိင္ ၂၆"
    text, converted = normalize_text(zawgyi)
    assert converted is True
    assert text == "နေပြည်တော် ဇူလိုင် ၂၆"


def test_zawgyi_after_a_long_page_header_is_still_detected_and_all_of_it_converted():
    header = "Home | News | Contact | " * 200  # 4,800 characters before the first Myanmar letter
    text, converted = normalize_text(header + "ေနျပည္ေတာ္ ဇူလုိင္ ၂၆ " * 3)
    assert converted is True
    assert text == header + "နေပြည်တော် ဇူလိုင် ၂၆ " * 3


def test_unicode_burmese_and_other_scripts_are_left_alone():
    for text in ("နေပြည်တော် ဇူလိုင် ၂၆", "ภาษาไทย", "plain ASCII"):
        assert normalize_text(text) == (text, False)
    assert zawgyi_probability("plain ASCII") == 0.0


def test_zawgyi_probability_is_the_detectors_own_float():
    """The numpy loop gives myanmartools' exact probability (-inf as 0.0) on strings of every
    character the model knows (the Extended blocks and spaces, where its lookup is irregular, included),
    foreign ones, Zawgyi and Unicode Burmese, and the empty string."""
    detector = _zawgyi_detector()
    points = [*range(0x1000, 0x10A0), *range(0xAA60, 0xAA80), *range(0xA9E0, 0xAA00), *range(0x2000, 0x200C)]
    alphabet = [chr(p) for p in points] + list("ab ,.\n") + ["\U0001f600", "\uffff", "\U000116d0"]
    rng = random.Random(15)
    texts = ["", "plain ASCII", "ေနျပည္ေတာ္ ဇူလုိင္ ၂၆", "နေပြည်တော် ဇူလိုင် ၂၆" * 40]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(3000)]
    for text in texts:
        assert zawgyi_llr_probability(text) == max(detector.get_zawgyi_probability(text), 0.0), text


@pytest.mark.integration
@pytest.mark.skipif(not ZAWGYI_DIR.is_dir(), reason=f"real Zawgyi data not found at {ZAWGYI_DIR} (a fresh clone has no ../shared)")
@pytest.mark.parametrize(
    "zawgyi_file, unicode_file",
    [("mmgov_zawgyi_src.txt", "mmgov_unicode_out.txt"), ("udhr_mya_zawgyi_out.txt", "udhr_mya_unicode_src.txt")],
)
def test_parallel_zawgyi_corpus_converts_to_its_unicode_version(zawgyi_file: str, unicode_file: str):
    zawgyi_lines = (ZAWGYI_DIR / zawgyi_file).read_text(encoding="utf-8").splitlines()
    unicode_lines = (ZAWGYI_DIR / unicode_file).read_text(encoding="utf-8").splitlines()
    assert len(zawgyi_lines) == len(unicode_lines)
    differing = [(z, u) for z, u in zip(zawgyi_lines, unicode_lines) if z != u]
    assert len(differing) > 50
    matches = sum(normalize_text(z)[0] == normalize_text(u)[0] for z, u in differing)
    backend = zawgyi_converter()[0]
    # measured here: ICU 63/63 and 88/91, paraencoder 57/63 and 89/91 lines exact
    floor = {"icu": 0.95, "paraencoder": 0.90}[backend]
    assert matches / len(differing) >= floor, f"{backend}: {matches}/{len(differing)} Zawgyi lines converted exactly"
    identical = [z for z, u in zip(zawgyi_lines, unicode_lines) if z == u and z.strip()]
    assert all(normalize_text(line)[0] == unicodedata.normalize("NFC", line) for line in identical)
