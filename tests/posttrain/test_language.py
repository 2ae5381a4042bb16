"""Per-turn language, the conversation's language, and the response-language check (translation rows exempt)."""

from __future__ import annotations

import pytest

from eval.realdata import NTREX, NTREX_FILES, missing, ntrex_documents
from pipelines.langid.identify import LanguageIdentifier
from pipelines.langid.normalize import normalize_text
from pipelines.posttrain.language import (
    conversation_language,
    identify_turns,
    is_translation,
    language_mismatch,
    normalise_messages,
)
from pipelines.posttrain.schema import make_message

IDENTIFIER = LanguageIdentifier()

#: "Translate this into English" as users write it, per language.
TRANSLATE_REQUESTS = {
    "eng_Latn": "Please translate the following paragraph into Thai.",
    "cmn_Hani": "请把下面这段话翻译成英文。",
    "ind_Latn": "Tolong terjemahkan kalimat berikut ke dalam bahasa Inggris.",
    "zsm_Latn": "Sila terjemahkan ayat ini ke bahasa Inggeris.",
    "fil_Latn": "Pakiusap, isalin sa Ingles ang talatang ito.",
    "vie_Latn": "Hãy dịch đoạn văn sau sang tiếng Anh.",
    "tha_Thai": "ช่วยแปลข้อความนี้เป็นภาษาอังกฤษหน่อย",
    "tam_Taml": "இந்த வாக்கியத்தை ஆங்கிலத்தில் மொழிபெயர்க்கவும்.",
    "mya_Mymr": "ဒီစာကို အင်္ဂလိပ်ဘာသာသို့ ဘာသာပြန်ပေးပါ။",
    "khm_Khmr": "សូមបកប្រែប្រយោគនេះជាភាសាអង់គ្លេស។",
    "lao_Laoo": "ກະລຸນາແປປະໂຫຍກນີ້ເປັນພາສາອັງກິດ.",
}
#: Sentences that contain a translation stem inside another word: no request to translate.
NOT_TRANSLATION = [
    "โครงการแปลงผักในโรงเรียนสอนให้นักเรียนทำปุ๋ยหมักจากเศษอาหารในโรงอาหาร",  # แปลง: plot (sample/sentences)
    "เรื่องนี้แปลกมาก",  # แปลก: strange
    "ຄະນະຈັດງານແລ່ນມາຣາທອນກ່າວວ່າ ມີນັກແລ່ນລົງທະບຽນແລ້ວຫຼາຍກວ່າແປດພັນຄົນ.",  # ແປດ: eight (sample/sentences)
    "ພວກເຮົາຈະແປງເຮືອນໃໝ່",  # ແປງ: make/repair
    "Dịch vụ xe buýt sẽ hoạt động lại sau khi dịch bệnh kết thúc.",  # service, epidemic
    "Giao dịch trên sàn chứng khoán tăng mạnh trong tuần này.",  # transaction
    "The transport app crashed again this morning.",
]


@pytest.mark.parametrize("language", sorted(TRANSLATE_REQUESTS))
def test_translation_requests_in_every_language(language):
    messages = [make_message("user", TRANSLATE_REQUESTS[language]), make_message("assistant", "x")]
    assert is_translation(messages, None)


@pytest.mark.parametrize("text", NOT_TRANSLATION)
def test_words_that_only_contain_a_stem_are_not_requests(text):
    assert not is_translation([make_message("user", text), make_message("assistant", "x")], "general")


def test_translation_by_category_and_only_in_user_or_system_turns():
    assert is_translation([make_message("user", "x")], "translation")
    assert not is_translation([make_message("user", "Tell me a story."), make_message("assistant", "I will translate nothing.")], None)
    assert is_translation([make_message("system", "You are a translator."), make_message("user", "x")], None)


def _check(prompt: str, answer: str, category: str | None = None) -> tuple[bool, str | None]:
    messages = normalise_messages([make_message("user", prompt), make_message("assistant", answer)])
    [predictions] = identify_turns([messages], IDENTIFIER)
    return language_mismatch(messages, predictions, category), conversation_language(messages, predictions)


def test_short_and_code_answers_are_not_judged():
    prompt = "Viết một hàm Python tính tổng các số chẵn trong danh sách."
    assert _check(prompt, "```python\ndef total(xs):\n    return sum(x for x in xs if x % 2 == 0)\n```") == (False, "vie_Latn")
    assert _check(prompt, "OK.")[0] is False


def test_malay_answer_to_an_indonesian_prompt_is_not_a_mismatch():
    assert _check("Bagaimana cara membuat nasi goreng yang enak di rumah?",
                  "Untuk membuat nasi goreng, panaskan minyak dalam kuali dan tumis bawang sehingga wangi.")[0] is False


@pytest.mark.integration
@pytest.mark.skipif(missing(NTREX) is not None, reason=str(missing(NTREX)))
def test_ntrex_parallel_documents():
    """The same NTREX-128 news document as prompt and answer: same language keeps, another language
    is a mismatch unless the prompt asks to translate (Burmese is Zawgyi-encoded there: converted
    first, so that the Unicode request and the document share one encoding)."""
    docs = {language: [normalize_text(d)[0] for d in ntrex_documents(language)[:82]] for language in NTREX_FILES}
    for language in NTREX_FILES:
        for i in (0, 40, 80):
            prompt, same = docs[language][i][:600], docs[language][i + 1][:600]
            other = "eng_Latn" if language != "eng_Latn" else "tha_Thai"
            answer = docs[other][i][:600]
            assert _check(prompt, same) == (False, language), (language, i)
            assert _check(prompt, answer)[0] is True, (language, other, i)
            request = TRANSLATE_REQUESTS[language] + "\n\n" + prompt
            assert _check(request, answer)[0] is False, (language, i)
