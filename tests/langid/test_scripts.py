"""Dominant script and Myanmar-script signatures on generated strings, and their use by the identifier."""

from __future__ import annotations

import pytest

from pipelines.langid.identify import (
    EMBEDDED_LATIN_SHARE,
    LanguageIdentifier,
    _given_script,
    _written_script,
    label_script,
    langid_batch,
    lone_scripts,
)
from pipelines.langid.normalize import normalize_text
from pipelines.langid.scripts import (
    NO_SCRIPT,
    dominant_script,
    myanmar_language,
    script_share,
)

BURMESE = "နေပြည်တော် ဇူလိုင် ၂၆ ရက် နိုင်ငံတော်၏ အတိုင်ပင်ခံပုဂ္ဂိုလ် ဒေါ်အောင်ဆန်းစုကြည်သည် မြန်မာနိုင်ငံ"
#: Syllables built from the Unicode charts: Shan consonants U+1075-U+1081 with Shan vowels U+1083-U+1086
#: and tones U+1087-U+108C; Mon letters U+105A-U+105D and medials U+105E-U+1060 with Mon vowels U+1033/U+1034;
#: Sgaw Karen U+1061-U+1064; Western Pwo Karen U+1065-U+106D; Myanmar Extended-A (Khamti, U+AA60-U+AA7F).
SHAN = " ".join(chr(c) + chr(0x1083 + c % 4) + chr(0x1087 + c % 6) for c in range(0x1075, 0x1082)) * 3
MON = " ".join(f"က{chr(m)}{chr(v)} {chr(l)}ာ" for m, v, l in zip((0x105E, 0x105F, 0x1060) * 4, (0x1033, 0x1034) * 6, range(0x105A, 0x105E))) * 2
SGAW_KAREN = " ".join(f"က{chr(0x1062)}{chr(t)} {chr(0x1061)}ီ" for t in (0x1063, 0x1064) * 6)
PWO_KAREN = " ".join(f"{chr(c)}ိ{chr(0x1069 + c % 5)}" for c in range(0x1065, 0x1071)) * 2
KHAMTI = " ".join(chr(c) + "ာ" for c in range(0xAA60, 0xAA70)) * 2
TAI_VIET = "ꪼꪕꪒꪾ ꪁꪳ ꪹꪀꪷ ꪣꪱꪉ ꪹꪚꪉ ꪕꪱꪉ ꪻꪠ ꪒꪴ ꪀꪱ" * 3


@pytest.mark.parametrize(
    "text, script",
    [
        ("The quick brown fox, 2024!", "Latn"),
        ("今天天气很好，我们去公园散步吧。", "Hani"),
        ("今日は良い天気ですね、公園に行きましょう。", "Jpan"),  # Han with kana is Japanese
        ("오늘 날씨가 좋네요", "Hang"),
        ("今日天氣 오늘", "Kore"),  # Han with Hangul is Korean
        ("ภาษาไทยเป็นภาษาราชการ", "Thai"),
        (BURMESE, "Mymr"),
        (TAI_VIET, "Tavt"),
        ("Привет, как дела?", "Cyrl"),
        ("12345 !!! --- 3.14", NO_SCRIPT),
        ("", NO_SCRIPT),
        ("行情 4532 | ¥ 389.24 | -2.30 | *** 2914 | ¥ 84.51", "Hani"),  # digits and symbols are no script
        ("Home | About " + "ภาษาไทยเป็นภาษาราชการของประเทศไทย" * 3, "Thai"),
    ],
)
def test_dominant_script(text: str, script: str):
    assert dominant_script(text) == script


def test_long_texts_are_sampled_but_keep_their_dominant_script():
    assert dominant_script("abc " * 2000) == "Latn"
    assert dominant_script(("ภาษาไทย " * 200) + ("english " * 50)) == "Thai"


@pytest.mark.parametrize(
    "text, language",
    [
        (SHAN, "shn_Mymr"), (MON, "mnw_Mymr"), (SGAW_KAREN, "ksw_Mymr"), (PWO_KAREN, "pwo_Mymr"), (KHAMTI, "shn_Mymr"),
        (BURMESE, None), ("plain Latin text", None),
    ],
)
def test_myanmar_signatures_name_the_language(text: str, language: str | None):
    assert myanmar_language(text) == language


def test_one_stray_signature_in_long_burmese_text_is_still_burmese():
    assert myanmar_language(BURMESE * 10 + chr(0x1075)) is None
    assert myanmar_language(BURMESE + chr(0x1075) * 3) == "shn_Mymr"


def test_zawgyi_burmese_is_converted_before_the_signatures_are_read():
    zawgyi = "ေနျပည္ေတာ္ ဇူလုိင္ ၂၆ ရက္ ႏိုင္ငံေတာ္၏အတုိင္ပင္ခံပုဂၢိဳလ္ ေဒၚေအာင္ဆန္းစုၾကည္သည္"
    assert myanmar_language(zawgyi) is not None  # Zawgyi's glyph variants sit on the signature code points
    text, converted = normalize_text(zawgyi)
    assert converted and myanmar_language(text) is None


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def test_no_label_survives_in_another_script(identifier: LanguageIdentifier):
    predictions = identifier.predict([TAI_VIET, SHAN, MON, SGAW_KAREN, BURMESE])
    assert [p.language for p in predictions] == ["und_Tavt", "shn_Mymr", "mnw_Mymr", "ksw_Mymr", "mya_Mymr"]
    assert [p.script for p in predictions] == ["Tavt", "Mymr", "Mymr", "Mymr", "Mymr"]
    assert LanguageIdentifier(checks=False).predict([MON])[0].language == "mya_Mymr"  # lid.176 alone


def test_langid_stage_drops_them_with_the_language_in_the_reason(identifier: LanguageIdentifier):
    import pyarrow as pa

    texts = [TAI_VIET, SHAN, BURMESE]  # lid.176 calls this synthetic Shan Slovenian: the signatures still name it
    table = pa.table({"id": ["a", "b", "c"], "source": ["s"] * 3, "url": [None] * 3, "declared_language": [None] * 3, "text": texts})
    kept, dropped = langid_batch(table, identifier, {"default": 0.0})
    assert kept.column("id").to_pylist() == ["c"] and kept.column("script").to_pylist() == ["Mymr"]
    assert dropped.column("reason").to_pylist() == ["lang_und_Tavt", "lang_shn_Mymr"]
    assert dropped.column("language").to_pylist() == ["und_Tavt", "shn_Mymr"]


def test_han_text_without_kana_is_not_japanese(identifier: LanguageIdentifier):
    short_mandarin = ["公民有权参加选举。", "学生必须按时完成作业。"]  # lid.176: ja 0.76 and 0.84
    assert [p.top[0][0] for p in LanguageIdentifier(checks=False).predict(short_mandarin)] == ["ja", "ja"]
    predictions = identifier.predict(short_mandarin)
    assert [p.language for p in predictions] == ["cmn_Hani", "cmn_Hani"]
    assert all(p.score > 0.9 and "ja" not in dict(p.top) for p in predictions)  # zh's share once ja is ruled out
    japanese = identifier.predict(["東京大学で勉強しています。"])[0]
    assert japanese.language == "other" and japanese.top[0][0] == "ja"  # kana: Japanese it stays


def test_latin_names_within_a_sentence_in_another_script_leave_its_label_standing(identifier: LanguageIdentifier):
    # Written for this test: Latin names and acronyms outnumber the Thai, Chinese and Burmese letters.
    sentences = ["Manchester United และ Liverpool FC แข่งขันกันที่ Old Trafford",
                 "微软发布 Windows Server 和 Google Cloud Platform 的新价格",
                 "Manchester United FC နဲ့ Liverpool FC ပွဲစဉ်"]
    assert [dominant_script(s) for s in sentences] == ["Latn"] * 3
    predictions = identifier.predict(sentences)
    assert [p.language for p in predictions] == ["tha_Thai", "cmn_Hani", "mya_Mymr"]
    assert [p.script for p in predictions] == ["Thai", "Hani", "Mymr"]
    assert script_share(sentences[0], "Thai") >= EMBEDDED_LATIN_SHARE


def test_a_few_letters_of_another_script_in_latin_text_do_not_carry_its_label():
    text = "The committee met on Tuesday in Bangkok and agreed on the budget for next year: ไทย"
    assert script_share(text, "Thai") < EMBEDDED_LATIN_SHARE
    assert _written_script(text, "tha_Thai") == "Latn"  # a Thai label on it is dropped as und_Latn
    assert _written_script(text, "eng_Latn") == "Latn"
    assert script_share("今日は良い天気 Tokyo Station", "Hani") == 0.0  # kana: Japanese, not Han


def test_shan_letters_are_found_under_latin_names_too(identifier: LanguageIdentifier):
    text = "Taunggyi Shan State Muse Lashio Kengtung Tachileik " + SHAN[:24]
    assert dominant_script(text) == "Latn" and _written_script(text, "mya_Mymr") == "Mymr"
    assert identifier.predict([text])[0].language != "mya_Mymr"


def test_label_scripts_come_from_the_code_or_the_languages_likely_script():
    assert [label_script(code) for code in ("lao_Laoo", "kn", "vi", "zh", "yue_Hant", "ja", "tam_Latn")] == [
        "Laoo", "Knda", "Latn", "Hani", "Hani", "Jpan", "Latn"]
    assert label_script("not a language") is None
    lone = lone_scripts(LanguageIdentifier().backend.labels())  # lid.176's 176 labels
    assert {"Laoo", "Khmr", "Thai", "Taml", "Mymr"} <= lone and not {"Latn", "Hani", "Jpan"} & lone


def test_probabilities_are_read_given_the_texts_script():
    lao = "ຂ້ອຍໄປຕະຫຼາດ ພວກເຮົາກິນເຂົ້າ"  # written for this test
    ranked = (("lao_Laoo", 0.31), ("vie_Latn", 0.18), ("kn", 0.08))
    # no other label writes Lao and the text has no other letter: all of the probability is Lao's
    assert _given_script(lao, ranked, frozenset({"Laoo"})) == (("lao_Laoo", 1.0),)
    # where another label could write Lao, only the runners-up of absent scripts go (0.26 of the mass)
    assert _given_script(lao, ranked, frozenset()) == (("lao_Laoo", pytest.approx(0.31 / 0.74)),)
    with_latin = lao + " Vientiane Capital COVID"  # Latin holds over EMBEDDED_LATIN_SHARE of the letters:
    # Vietnamese and the mass outside the top 3 stay, Kannada goes
    assert _given_script(with_latin, ranked, frozenset({"Laoo"})) == (
        ("lao_Laoo", pytest.approx(0.31 / 0.92)), ("vie_Latn", pytest.approx(0.18 / 0.92)))
    latin = (("fil_Latn", 0.45), ("ceb_Latn", 0.07), ("ind_Latn", 0.05))
    assert _given_script("Walang sino man ang aalisan", latin, frozenset({"Laoo"})) == latin  # nothing to rule out
    thai_label_on_latin = (("tha_Thai", 0.6), ("eng_Latn", 0.3))
    assert _given_script("The weather is fine", thai_label_on_latin, frozenset({"Thai"})) == thai_label_on_latin


def test_a_top_label_of_an_absent_script_gives_way_only_to_a_lone_scripts_label():
    lao = "ທຸກມື້ນີ້ ແມ່ນບໍ່ມີເລີຍ"  # written for this test
    gaelic_first = (("gd", 0.27), ("lao_Laoo", 0.15), ("kn", 0.09))
    assert _given_script(lao, gaelic_first, frozenset({"Laoo", "Knda"})) == (("lao_Laoo", pytest.approx(1.0)),)
    assert _given_script(lao, gaelic_first, frozenset({"Knda"})) == gaelic_first  # Lao not lone: the script check judges gd
    hindi_first = (("hi", 0.5), ("eng_Latn", 0.3), ("ur", 0.1))  # romanised Hindi: not English for its runner-up
    assert _given_script("Mera naam Rahul hai aur main Dilli mein rehta hoon", hindi_first, frozenset({"Taml"})) == hindi_first
