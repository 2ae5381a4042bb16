"""Quality rules on crafted junk and clean text, word segmentation and config validation.
(Keep rates on real clean text are asserted in tests/test_lid_accuracy.py, via eval/.)"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.config_file import ConfigError
from pipelines.langid.languages import BY_CODE
from pipelines.quality.config import load_quality_config, thresholds_for
from pipelines.quality.filter import quality_batch, quality_reason
from pipelines.quality.segment import SEGMENTER_BACKEND, words
from pipelines.schema import DROP_SCHEMA

CONFIG = load_quality_config()
ENG = CONFIG["eng_Latn"]

CLEAN_ENGLISH = """The river that runs through the old town has been the subject of a long debate among residents.
Some of them want to build a new footbridge, while others argue that the money should be spent on schools.
At a meeting held on Monday evening, the mayor said that both ideas deserve a fair hearing.
She added that the council would publish a detailed report with the costs of each option before the summer.
Local shop owners, who depend on visitors crossing the river, have already started a petition in favour of the bridge.
Teachers and parents, however, point out that several classrooms still have leaking roofs and broken windows.
The final decision is expected in September, after a public consultation that will last six weeks."""

CLEAN_THAI = """แม่น้ำที่ไหลผ่านเมืองเก่าเป็นหัวข้อของการถกเถียงมาเป็นเวลานาน ชาวบ้านบางคนต้องการสร้างสะพานคนเดินแห่งใหม่ ในขณะที่บางคนเห็นว่าควรนำเงินไปใช้ในการซ่อมแซมโรงเรียน
ในการประชุมเมื่อเย็นวันจันทร์ นายกเทศมนตรีกล่าวว่าทั้งสองความคิดสมควรได้รับการพิจารณาอย่างเป็นธรรม และเทศบาลจะเผยแพร่รายงานที่มีค่าใช้จ่ายของแต่ละทางเลือกก่อนฤดูร้อน
เจ้าของร้านค้าในท้องถิ่นซึ่งพึ่งพานักท่องเที่ยวที่ข้ามแม่น้ำได้เริ่มล่ารายชื่อเพื่อสนับสนุนการสร้างสะพานแล้ว"""

_NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_COLOURS = ["red", "blue", "green", "black", "white", "pink", "grey", "brown", "gold", "navy"]

JUNK = {
    "page_too_short": "Buy now and save.",
    "gopher_quality_short": "The shop is open from nine to five on weekdays and from ten to four on the weekends for all of the customers.",
    "gopher_quality_word_length_high": "\n".join(
        f"The {i} telecommunications infrastructural disproportionately characteristically and institutionalization."
        for i in range(9)
    ),
    "gopher_quality_symbol_ratio": "\n".join(
        f"Check the #deal of the #day {i} with #sale #cheap #shop and #free #shipping to the door." for i in range(8)
    ),
    "gopher_quality_bullet_lines": "\n".join(
        f"- Item {i}: the best product of the year with a warranty and free returns." for i in range(12)
    ),
    "gopher_quality_ellipsis_lines": "\n".join(
        f"Read the full story number {i} about the weather and the people who have seen it..." for i in range(12)
    ),
    "gopher_quality_alpha_words": "Prices of the items and the totals:\n"
    + "\n".join(" ".join(str(1000 + 7 * i + j) for j in range(12)) + " and the sum." for i in range(10)),
    "gopher_quality_stop_words": "\n".join(
        f"Great prices {i}. Best deals online. Fast shipping worldwide. Order today, pay later. Quality guaranteed always."
        for i in range(6)
    ),
    "gopher_repetition_lines": CLEAN_ENGLISH
    + "\n"
    + "\n".join(["Subscribe to our newsletter for the latest news and offers."] * 6),
    "gopher_repetition_top_2gram": " ".join(f"cheap shoes {c} and cheap shoes for the people with" for c in _COLOURS) + ".",
    "fineweb_line_punct": "\n".join(f"Home page link number {n} for the main section of our website" for n in _NUMBERS),
    "fineweb_short_lines": "\n".join(f"It is item {i} of the day." for i in range(30)),
    "c4_lorem_ipsum": CLEAN_ENGLISH + "\nLorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "c4_javascript": "Please enable JavaScript in your browser to view this page.\n"
    "This site requires JavaScript to work and to show the content.\n" + CLEAN_ENGLISH,
    "page_boilerplate": "We use cookies to improve your experience. By using this site you accept cookies.\n"
    "Read our privacy policy and terms of use before you continue to the site.\n"
    "All rights reserved by the company and its partners in the world.\n"
    "Click the button below to accept and to continue reading the page.",
}


# ---------------------------------------------------------------- segmentation


def test_thai_is_segmented_into_words_not_split_on_spaces():
    tokens = words(CLEAN_THAI, "tha_Thai")
    assert len(tokens) > 5 * len(CLEAN_THAI.split())
    assert {"แม่น้ำ", "ต้องการ", "สะพาน", "โรงเรียน"} <= set(tokens)
    assert all(token.strip() == token and token for token in tokens)


@pytest.mark.parametrize("language", ["tha_Thai", "khm_Khmr", "lao_Laoo"])
def test_characters_outside_the_basic_plane_do_not_shift_words(language: str):
    """ICU counts UTF-16 units; an emoji or a CJK extension character must not move later words."""
    text = {"tha_Thai": "ภาษาไทย{e}เป็นภาษา{h}ที่สวยงาม", "khm_Khmr": "ខ្ញុំស្រឡាញ់{e}ភាសាខ្មែរ{h}ណាស់",
            "lao_Laoo": "ພາສາລາວ{e}ເປັນພາສາ{h}ທີ່ງາມ"}[language]
    astral = words(text.format(e="😀", h="𠀀"), language)  # U+1F600, U+20000: two UTF-16 units each
    basic = words(text.format(e="☺", h="中"), language)  # U+263A, U+4E2D: one unit each
    assert [t.replace("😀", "☺").replace("𠀀", "中") for t in astral] == basic


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("khm_Khmr", "ខ្ញុំស្រឡាញ់ភាសាខ្មែរណាស់។", {
            "icu": ["ខ្ញុំ", "ស្រឡាញ់", "ភាសាខ្មែរ", "ណាស់", "។"],
            "python": ["ខ្ញុំ", "ស្រឡាញ់", "ភាសា", "ខ្មែរ", "ណាស់", "។"]}),
        ("lao_Laoo", "ພາສາລາວເປັນພາສາທີ່ງາມ", {
            "icu": ["ພາສາ", "ລາວ", "ເປັນ", "ພາສາ", "ທີ່", "ງາມ"],
            "python": ["ພາສາລາວ", "ເປັນ", "ພາສາ", "ທີ່", "ງາມ"]}),
        ("cmn_Hani", "我爱北京天安门。", ["我", "爱", "北京", "天安门", "。"]),
        ("mya_Mymr", "နေပြည်တော် ပုဂ္ဂိုလ် ၂၀၁၈ ABC", ["နေ", "ပြည်", "တော်", "ပုဂ္ဂိုလ်", "၂၀၁၈", "ABC"]),
        ("eng_Latn", "Hello, world... -- “quoted”", ["Hello", "world", "--", "quoted"]),
    ],
)
def test_each_language_has_a_segmenter(language: str, text: str, expected: list[str] | dict[str, list[str]]):
    if isinstance(expected, dict):  # Khmer and Lao words depend on the backend (ICU or pure Python)
        expected = expected[SEGMENTER_BACKEND]
    assert words(text, language) == expected


# ---------------------------------------------------------------- rules


def test_clean_text_is_kept():
    assert quality_reason(CLEAN_ENGLISH, "eng_Latn", ENG) is None
    assert quality_reason(CLEAN_THAI, "tha_Thai", CONFIG["tha_Thai"]) is None


@pytest.mark.parametrize("reason", sorted(JUNK))
def test_each_junk_text_is_dropped_with_its_reason(reason: str):
    assert quality_reason(JUNK[reason], "eng_Latn", ENG) == reason


def test_thai_keyword_spam_is_caught_on_segmented_words():
    spam = "ซื้อรองเท้าราคาถูกได้ที่ร้านของเราในวันนี้ " * 30
    assert len(spam.split()) < 50  # whitespace splitting would call it a short page, not spam
    assert quality_reason(spam, "tha_Thai", CONFIG["tha_Thai"]).startswith("gopher_repetition")


def test_quality_batch_adds_counts_and_records_drops():
    table = pa.table(
        {
            "id": ["d/0", "d/1", "d/2"],
            "source": ["test"] * 3,
            "url": [None, None, "http://x"],
            "language": ["eng_Latn", "eng_Latn", "tha_Thai"],
            "text": pa.array([CLEAN_ENGLISH, JUNK["c4_lorem_ipsum"], CLEAN_THAI], pa.large_string()),
        }
    )
    kept, dropped = quality_batch(table, CONFIG)
    assert kept.column("id").to_pylist() == ["d/0", "d/2"]
    assert kept.schema.field("n_chars").type == pa.int64() and kept.schema.field("n_words").type == pa.int64()
    assert kept.column("n_chars").to_pylist() == [len(CLEAN_ENGLISH), len(CLEAN_THAI)]
    assert kept.column("n_words").to_pylist()[0] == len(CLEAN_ENGLISH.split())
    assert kept.column("n_words").to_pylist()[1] > 60
    assert dropped.schema == DROP_SCHEMA
    assert dropped.column("reason").to_pylist() == ["c4_lorem_ipsum"]
    assert dropped.column("stage").to_pylist() == ["quality"]


def test_quality_batch_needs_a_language_column():
    with pytest.raises(ValueError, match="'language'"):
        quality_batch(pa.table({"text": ["x"]}), CONFIG)


# ---------------------------------------------------------------- config


def test_default_config_covers_every_language_on_top_of_default():
    assert set(CONFIG) == {"default", *BY_CODE}
    assert CONFIG["tha_Thai"].fineweb.min_line_punct_ratio == 0.0
    assert CONFIG["tha_Thai"].gopher_quality.min_words == CONFIG["default"].gopher_quality.min_words
    assert "privacy policy" in CONFIG["tha_Thai"].page.boilerplate_phrases  # language phrases extend the default ones
    assert thresholds_for(CONFIG, "unknown") is CONFIG["default"]
    assert CONFIG["zsm_Latn"].min_language_score < CONFIG["default"].min_language_score <= CONFIG["eng_Latn"].min_language_score


def _write_config(tmp_path: Path, language_block: str) -> Path:
    default = (Path(__file__).resolve().parents[2] / "pipelines" / "quality" / "defaults.yaml").read_text(encoding="utf-8")
    default_block = default.split("\n  eng_Latn:")[0]
    path = tmp_path / "my_quality.yaml"
    path.write_text(default_block + "\n" + language_block, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "block, message",
    [
        ("  th:\n    min_word: 3\n", r"my_quality\.yaml: quality\.th: unknown field\(s\) min_word"),
        ("  th:\n    min_words: many\n", r"my_quality\.yaml: quality\.th: field 'min_words': Input should be a valid integer"),
        ("  th:\n    max_avg_word_length: -1\n", r"quality\.th: field 'max_avg_word_length': Input should be greater than or equal to 0"),
        ("  th:\n    stop_words: ที่\n", r"quality\.th: field 'stop_words': Input should be a valid tuple"),
        ("  th:\n    max_top_ngram_char_frac: [[2, 3]]\n", r"quality\.th: field 'max_top_ngram_char_frac.0.1': Input should be less than or equal to 1"),
        ("  xx_Klingon:\n    min_words: 3\n", r"quality\.xx_Klingon: unknown language"),
    ],
)
def test_config_errors_name_file_language_and_field(tmp_path: Path, block: str, message: str):
    with pytest.raises(ConfigError, match=message):
        load_quality_config(_write_config(tmp_path, block))


def test_config_override_and_missing_default_field(tmp_path: Path):
    config = load_quality_config(_write_config(tmp_path, "  th:\n    min_words: 7\n"))
    assert config["tha_Thai"].gopher_quality.min_words == 7
    path = tmp_path / "partial.yaml"
    path.write_text("quality:\n  default:\n    min_words: 5\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"partial\.yaml: quality\.default: missing field\(s\) .*max_words"):
        load_quality_config(path)
