"""Regional-language check: tiny generated models (parallel counts, curated mixtures), the shipped
model on sentences written for this test, and the identifier's use of it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipelines.langid import regional
from pipelines.langid.build_regional_words import NUSAX_LANGUAGES, word_counts
from pipelines.langid.identify import LanguageIdentifier
from pipelines.langid.regional import (
    INDONESIAN,
    RegionalLanguages,
    mixture_group,
    parallel_group,
    regional_languages,
)


@pytest.fixture
def tiny_lists(monkeypatch: pytest.MonkeyPatch):
    """Generated groups read tiny word lists instead of wordfreq's."""
    tiny = {"id": {"yang": 0.05, "tidak": 0.02, "makan": 0.001, "rumah": 0.001}, "fil": {"ang": 0.05, "ng": 0.05, "at": 0.03, "bahay": 0.001}, "en": {"the": 0.05}}
    monkeypatch.setattr(regional, "_frequencies", lambda lists: {w: f for name in lists for w, f in tiny[name].items()})


def test_parallel_counts_weigh_the_language_not_the_topic(tiny_lists):
    counts = {
        "ind_Latn": {"yang": 10, "tidak": 5, "makan": 8, "rumah": 2},
        "min_Latn": {"nan": 10, "indak": 5, "makan": 8, "rumah": 2},
    }
    group = parallel_group(counts, "ind_Latn", ("id",))
    row = {w: float(group.matrix[group.codes[w], 0]) for w in ("nan", "yang", "makan")}
    assert row["makan"] == pytest.approx(0.0)  # same count on both sides of the same sentences
    assert row["nan"] > 2 and row["yang"] < -2
    checker = RegionalLanguages({INDONESIAN: group})
    assert checker.decide("urang nan indak makan di rumah nan indak", INDONESIAN) == "min_Latn"
    assert checker.decide("orang yang tidak makan di rumah yang tidak", INDONESIAN) is None
    assert checker.decide("", INDONESIAN) is None
    assert checker.decide("nan indak", "tha_Thai") is None  # no group: nothing to check


def test_curated_mixture_penalises_target_words_the_language_lacks(tiny_lists):
    group = mixture_group({"hil_Latn": {"ang": 0.3, "sang": 0.3, "kag": 0.4}}, ("fil",))
    checker = RegionalLanguages({"fil_Latn": group})
    assert checker.scores("ang balay sang kag sang kag", "fil_Latn")["hil_Latn"] > 4
    assert checker.scores("ang bahay ng at ng at", "fil_Latn")["hil_Latn"] < 0
    assert checker.decide("ang bahay ng at ng at", "fil_Latn") is None


def test_text_whose_words_the_target_does_not_know_is_other(tiny_lists):
    group = parallel_group({"ind_Latn": {"yang": 1}, "min_Latn": {"nan": 1}}, "ind_Latn", ("id",))
    unknown = " ".join(f"zq{chr(97 + i % 26)}x" for i in range(30))
    assert RegionalLanguages({INDONESIAN: group}).decide(unknown, INDONESIAN) == "other"


def test_builder_reads_only_the_columns_it_needs(tmp_path):
    path = tmp_path / "mt_train.csv"
    header = ",".join(["", *NUSAX_LANGUAGES])
    path.write_text(header + "\n" + ",".join(["0", *("Kata kata" for _ in NUSAX_LANGUAGES)]) + "\n", encoding="utf-8")
    counts = word_counts(path)
    assert counts["jav_Latn"] == {"kata": 2} and set(counts) == set(NUSAX_LANGUAGES.values())
    (tmp_path / "bad.csv").write_text(",indonesian\n0,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns"):
        word_counts(tmp_path / "bad.csv")


def test_shipped_counts_are_the_train_split_of_all_eleven_languages():
    import importlib.resources

    data = json.loads(importlib.resources.files("pipelines.langid").joinpath("data/nusax_train_words.json").read_text("utf-8"))
    assert set(data) == set(NUSAX_LANGUAGES.values())
    assert all(sum(words.values()) > 4000 for words in data.values())


# Sentences written for these tests (not from NusaX or any evaluation set).
REGIONAL_SENTENCES = {
    "jav_Latn": "Aku arep lunga menyang pasar saiki amarga ibuku durung tuku sayuran kanggo mangan bengi iki.",
    "sun_Latn": "Abdi bade angkat ka pasar ayeuna sabab indung abdi teu acan meuli sayuran kanggo tuang wengi ieu.",
    "min_Latn": "Ambo ka pai ka pasa kini dek mandeh ambo alun mambali sayua untuak makan malam iko doh.",
}
MINANGKABAU_PARAGRAPH = (
    "Urang Minangkabau sabagian gadang tingga di Sumatera Barat, tapi banyak pulo nan marantau ka daerah lain. "
    "Adaik jo budayo Minangkabau sangaik tagantuang kapado garis katurunan ibu, dek itu harato pusako "
    "diturunkan ka anak padusi."
)
INDONESIAN_SENTENCE = "Saya akan pergi ke pasar sekarang karena ibu saya belum membeli sayuran untuk makan malam ini."


@pytest.fixture(scope="module")
def shipped() -> RegionalLanguages:
    return regional_languages()


@pytest.mark.parametrize("language", sorted(REGIONAL_SENTENCES))
def test_shipped_model_names_regional_languages(shipped: RegionalLanguages, language: str):
    assert shipped.decide(REGIONAL_SENTENCES[language], INDONESIAN) == language


def test_shipped_model_leaves_indonesian_alone(shipped: RegionalLanguages):
    assert shipped.decide(INDONESIAN_SENTENCE, INDONESIAN) is None
    assert shipped.decide(INDONESIAN_SENTENCE, "zsm_Latn") is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("Ang mga bata nagkadto sa eskwelahan kag indi sila magpauli subong kay madamo pa sila sang buluhaton.", "hil_Latn"),
        ("Ang mga bata miadto sa eskwelahan ug dili sila mopauli karon kay daghan pa kaayo silag buluhaton.", "ceb_Latn"),
    ],
)
def test_philippine_languages_are_not_filipino(shipped: RegionalLanguages, text: str, language: str):
    assert shipped.decide(text, "fil_Latn") == language
    tagalog = "Ang mga bata ay pumunta sa paaralan at hindi sila uuwi ngayon dahil marami pa silang gagawin."
    assert shipped.decide(tagalog, "fil_Latn") is None


def test_identifier_labels_them_and_checks_off_gives_the_model_alone(shipped: RegionalLanguages):
    with_checks = LanguageIdentifier().predict([MINANGKABAU_PARAGRAPH, INDONESIAN_SENTENCE])
    assert [p.language for p in with_checks] == ["min_Latn", "ind_Latn"]
    alone = LanguageIdentifier(checks=False).predict([MINANGKABAU_PARAGRAPH])
    assert alone[0].language in ("ind_Latn", "zsm_Latn")  # lid.176 passes Minangkabau off as Indonesian/Malay
    assert np.isfinite(with_checks[0].score)


def test_english_and_vietnamese_get_the_coverage_test(shipped: RegionalLanguages):
    english = "The committee said that the new rules would come into force next year after a public consultation."
    assert shipped.decide(english * 2, "eng_Latn") is None
    gibberish = [f"qzx{a}{b}vw" for a in "bcdfgh" for b in "jklmn"]  # distinct words: each counts once
    assert shipped.decide(" ".join(gibberish), "eng_Latn") == "other"
