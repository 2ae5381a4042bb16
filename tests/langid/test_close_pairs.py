"""Malay vs Indonesian second stage: hand-written sentences, smoothing and margin, the backend's odds
below the margin."""

from __future__ import annotations

import math

import pytest

from pipelines.langid.close_pairs import (
    INDONESIAN,
    MALAY,
    MARGIN,
    MODEL_WEIGHT,
    WORD_CAP,
    MalayIndonesianClassifier,
    malay_indonesian,
    weights_from_frequencies,
    with_corpus,
)
from pipelines.langid.identify import LanguageIdentifier, pair_log_odds
from pipelines.langid.ms_id_lexicon import lexicon

MALAY_SENTENCES = [
    "Kerajaan Malaysia telah mengumumkan bahawa harga minyak akan dinaikkan selepas pilihan raya umum "
    "kerana kos pengeluaran yang semakin meningkat.",
    "Pihak polis sedang menyiasat kejadian itu dan orang ramai diminta memberikan maklumat sekiranya mereka "
    "ternampak apa-apa yang mencurigakan.",
    "Syarikat penerbangan tersebut menawarkan tiket percuma kepada pelajar universiti yang mahu pulang ke "
    "kampung sempena cuti sekolah.",
]
INDONESIAN_SENTENCES = [
    "Pemerintah Indonesia telah mengumumkan bahwa harga bahan bakar akan dinaikkan setelah pemilihan umum "
    "karena biaya produksi yang semakin meningkat.",
    "Pihak kepolisian sedang menyelidiki kejadian itu dan masyarakat diminta memberikan informasi jika mereka "
    "melihat sesuatu yang mencurigakan.",
    "Perusahaan penerbangan tersebut menawarkan tiket gratis kepada mahasiswa yang mau pulang kampung selama "
    "libur sekolah.",
]
#: Written the same way in both languages: too little evidence for a decision.
SHARED_SENTENCE = "Dia pergi ke pasar pada hari Sabtu."


@pytest.fixture(scope="module")
def classifier() -> MalayIndonesianClassifier:
    return malay_indonesian()


@pytest.mark.parametrize("sentence", MALAY_SENTENCES)
def test_clear_malay_is_malay(classifier: MalayIndonesianClassifier, sentence: str):
    assert classifier.decide(sentence) == MALAY


@pytest.mark.parametrize("sentence", INDONESIAN_SENTENCES)
def test_clear_indonesian_is_indonesian(classifier: MalayIndonesianClassifier, sentence: str):
    assert classifier.decide(sentence) == INDONESIAN


@pytest.mark.parametrize("text", [SHARED_SENTENCE, "", "12345 !!!", "The weather is nice today."])
def test_below_the_margin_the_backend_odds_are_added(classifier: MalayIndonesianClassifier, text: str):
    llr = classifier.log_likelihood_ratio(text)
    assert abs(llr) < MARGIN
    # odds the words cannot outweigh decide; words and odds that cancel exactly decide nothing
    assert classifier.decide(text, model_log_odds=(abs(llr) + 1) / MODEL_WEIGHT) == MALAY
    assert classifier.decide(text, model_log_odds=-(abs(llr) + 1) / MODEL_WEIGHT) == INDONESIAN
    assert classifier.decide(text, model_log_odds=-llr / MODEL_WEIGHT) is None


def test_distinctive_words_weigh_in_the_right_direction(classifier: MalayIndonesianClassifier):
    for word in ("kerana", "bahawa", "iaitu", "sahaja", "percuma"):
        assert classifier.weights[word] > 1.0, word
    for word in ("karena", "bahwa", "yaitu", "uang", "gratis"):
        assert classifier.weights[word] < -1.0, word
    assert max(abs(w) for w in classifier.weights.values()) == WORD_CAP


def test_weights_are_smoothed_and_capped():
    malay = {"kerana": 0.5, "dan": 0.02, "yang": 0.001}
    indonesian = {"karena": 0.01, "dan": 0.01, "yang": 0.001}
    weights = weights_from_frequencies(malay, indonesian, cap=5.0)
    assert weights["dan"] == pytest.approx(math.log(2))
    assert "yang" not in weights  # same frequency: no evidence
    # a word missing from one list gets half that list's rarest frequency there
    assert weights["karena"] == pytest.approx(math.log(0.5 * 0.001 / 0.01))
    assert weights["kerana"] == 5.0  # log(0.5 / 0.0005) = 6.9, capped
    with pytest.raises(ValueError, match="non-empty"):
        weights_from_frequencies({}, {"dan": 1.0})


def test_words_above_the_margin_overrule_the_backend_and_below_it_add_to_it():
    classifier = MalayIndonesianClassifier({"kerana": 2.0, "kerajaan": 2.0, "karena": -2.0, "pemerintah": -2.0}, margin=3.0)
    strong_indonesian_odds = -10.0
    assert classifier.decide("Kerana, kerajaan!", strong_indonesian_odds) == MALAY  # 4 nats clear the margin
    assert classifier.decide("karena pemerintah", 10.0) == INDONESIAN
    assert classifier.decide("kerana", strong_indonesian_odds) == INDONESIAN  # 2 - 0.5 * 10 < 0
    assert classifier.decide("kerana", -3.0) == MALAY  # 2 - 0.5 * 3 > 0
    assert classifier.decide("kerana") == MALAY  # no odds: the words' sign
    assert classifier.decide("kerana karena") is None
    assert MalayIndonesianClassifier({"kerana": 2.0}, margin=3.0, prior=-2.0).decide("kerana") is None


def test_a_repeated_word_counts_once():
    classifier = MalayIndonesianClassifier({"kerana": 2.0, "karena": -2.0}, margin=3.0)
    assert classifier.log_likelihood_ratio("kerana kerana kerana") == classifier.log_likelihood_ratio("kerana")
    assert classifier.decide("Kerana, kerana!", -10.0) == INDONESIAN  # 2 nats, below the margin: the odds weigh in


def test_corpus_counts_average_with_the_lists_where_seen_often_enough():
    counts = {MALAY: {"kerana": 90, "dan": 50, "jarang": 2}, INDONESIAN: {"kerana": 10, "dan": 50, "lain": 80, "jarang": 1}}  # equal totals
    combined = with_corpus({"kerana": 0.4, "dan": 1.0, "jarang": 2.0}, counts)
    assert combined["kerana"] > 0.4  # the counts say more for Malay than the lists did
    assert abs(combined["dan"] - 0.5) < 0.1  # equal counts: the mean of the list's 1.0 and about 0
    assert combined["jarang"] == 2.0  # seen 3 times only: the lists' weight stays


def test_pair_log_odds_from_the_backend_ranking():
    assert pair_log_odds((("ind_Latn", 0.8), ("zsm_Latn", 0.2), ("jav_Latn", 0.01))) == pytest.approx(math.log(0.25))
    # a label outside the top k gets the k-th score; GlotLID's two Malay labels add up
    assert pair_log_odds((("ind_Latn", 0.9), ("eng_Latn", 0.05), ("fil_Latn", 0.01))) == pytest.approx(math.log(0.01 / 0.9))
    assert pair_log_odds((("zsm_Latn", 0.3), ("zsm_Latn", 0.3), ("ind_Latn", 0.2))) == pytest.approx(math.log(3.0))
    assert pair_log_odds((("ind_Latn", 1.0),)) == 0.0  # heliport's one label for both: no odds


def test_identifier_corrects_fasttext_and_keeps_its_answer_without_word_evidence():
    with_stage, fasttext_only = LanguageIdentifier(), LanguageIdentifier(close_pairs=False)
    texts = [MALAY_SENTENCES[1], INDONESIAN_SENTENCES[2], SHARED_SENTENCE]
    before, after = fasttext_only.predict(texts), with_stage.predict(texts)
    # lid.176 alone gets both wrong: the Malay sentence is "Indonesian" and vice versa
    assert [p.language for p in before[:2]] == [INDONESIAN, MALAY]
    assert [p.language for p in after[:2]] == [MALAY, INDONESIAN]
    for prediction in after:
        assert prediction.score == pytest.approx(sum(p for code, p in prediction.top if code in (MALAY, INDONESIAN)))
    assert after[2].language == before[2].language  # few words either way: fastText's odds decide


@pytest.mark.parametrize(
    "sentence",
    [
        # plain Malaysian words of the kind the independent check found missed (written for this test)
        "Setiap warganegara mempunyai kewajipan untuk mematuhi undang-undang dan menghormati hak orang lain dalam "
        "apa jua keadaan, dan kerajaan bertanggungjawab memastikan keadilan untuk semua.",
        "Sebahagian besar pelajar berkongsi pandangan bahawasanya mana-mana usaha memelihara alam semulajadi "
        "mesti bermula dari rumah dan sekolah.",
        "Bahagian kewangan akan menyemak semula perbelanjaan tahun lepas sebelum mesyuarat agung diadakan.",
    ],
)
def test_malaysian_vocabulary_decides_malay_even_among_words_both_standards_share(
    classifier: MalayIndonesianClassifier, sentence: str
):
    assert classifier.decide(sentence) == MALAY


def test_curated_lexicon_replaces_the_measured_weights(classifier: MalayIndonesianClassifier):
    weights = lexicon()
    assert weights["bahagian"] > 0 > weights["bagian"] and weights["kewajipan"] > 0 > weights["kewajiban"]
    assert set(lexicon()) & {"mana-mana", "kanak-kanak"}  # hyphenated words are scored whole
    for word, weight in weights.items():
        if weight and word in classifier.weights:
            assert classifier.weights[word] == weight, word
        if not weight:  # used by both standards, in different amounts: no evidence
            assert word not in classifier.weights, word


def test_function_words_both_standards_use_carry_no_evidence(classifier: MalayIndonesianClassifier):
    for word in ("dan", "ini", "tidak", "yang", "untuk"):
        assert word not in classifier.weights, word
    assert classifier.log_likelihood_ratio("dan ini tidak yang untuk " * 20) == 0.0


def test_every_curated_word_outweighs_a_lean_against_it_in_generated_text(classifier: MalayIndonesianClassifier):
    """Generated text: each curated form among function words that carry no evidence decides its side
    against backend odds pointing the other way at its own weight (half of which counts)."""
    for word, weight in lexicon().items():
        if not weight:
            continue
        text = f"dan ini {word} tidak yang untuk dan ini"
        expected = MALAY if weight > 0 else INDONESIAN
        assert classifier.decide(text, -weight * 0.9) == expected, word
