"""Language of each turn and of the conversation, and the response-language check.

Every message's content (and reasoning) is normalised as in the langid stage (invisible characters,
Zawgyi -> Unicode, NFC); user, assistant and system turns are identified with the langid stage's
LanguageIdentifier on their text without fenced or inline code. The conversation's language is the
character-weighted majority of its user turns (of its assistant turns when no user turn has one).
An assistant answer is a mismatch when both it and the user turn before it are identified with at
least MIN_SCORE, each at least MIN_CHARS characters long, and their languages differ (fastText's own
label for languages outside the eleven, so an answer in French is caught too) -- Malay and
Indonesian count as one, since short turns cannot tell them apart -- unless the conversation is a
translation task: category ``translation``, or a user or system turn asking to translate, in any of
the eleven languages (TRANSLATION_PATTERNS)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from pipelines.langid.identify import LanguageIdentifier, Prediction
from pipelines.langid.languages import OTHER
from pipelines.langid.normalize import normalize_text

MIN_CHARS = 20
MIN_SCORE = 0.5
_SAME = {"ind_Latn": "zsm_Latn"}  # languages compared as one
_CODE = re.compile(r"```.*?(```|$)|`[^`\n]*`", re.DOTALL)
_IDENTIFIED_ROLES = ("system", "user", "assistant")

#: Requests to translate, per language (matched on NFC, case-folded text). Words that merely contain
#: the stem are excluded: Thai แปลง (convert) / แปลก (strange), Lao ແປງ (make) / ແປດ (eight),
#: Vietnamese dịch vụ (service) / dịch bệnh (epidemic) / giao dịch (transaction).
TRANSLATION_PATTERNS: dict[str, re.Pattern] = {
    "eng_Latn": re.compile(r"\btranslat(e|es|ed|ing|ion|ions|or)\b"),
    "cmn_Hani": re.compile(r"翻译|翻譯|译成|譯成|译为|譯為|翻成"),
    "ind_Latn": re.compile(r"\b(ter|di|men|pen)?terjemah\w*|\balih ?bahasa\w*"),
    "zsm_Latn": re.compile(r"\b(men|di|pen)?terjemah\w*|\bterjemahan\b"),
    "fil_Latn": re.compile(r"\b(isalin|pagsasalin|pagsalin|salinin|isinalin|i-?translate|salin sa)\b"),
    "vie_Latn": re.compile(r"\b(bản dịch|phiên dịch|biên dịch)\b|\b(hãy|vui lòng|xin|giúp|bạn|cần) dịch\b"
                           r"|\bdịch (sang|ra|câu|đoạn|văn|bài|các|những|cụm|từ|giúp|nghĩa|thuật|lại|tiếp)\b"),
    "tha_Thai": re.compile(r"แปล(?![กงร])"),
    "tam_Taml": re.compile(r"மொழிபெயர்|மொழியாக்க"),
    "mya_Mymr": re.compile(r"ဘာသာပြန်"),
    "khm_Khmr": re.compile(r"បកប្រែ|ប្រែសម្រួល"),
    "lao_Laoo": re.compile(r"ແປ(?![ງດກນ])"),
}


def normalise_messages(messages: list[dict]) -> list[dict]:
    """Messages with content and reasoning normalised as in the langid stage (tool arguments untouched)."""
    out = []
    for message in messages:
        message = dict(message)
        for key in ("content", "reasoning"):
            if message[key]:
                message[key] = normalize_text(message[key])[0]
        out.append(message)
    return out


def identify_turns(conversations: list[list[dict]], identifier: LanguageIdentifier) -> list[list[Prediction | None]]:
    """Per conversation, per message: the prediction of its text without code (None for tool
    messages and turns without text), all texts of the batch in one call."""
    texts, slots = [], []
    for c, messages in enumerate(conversations):
        for m, message in enumerate(messages):
            text = _prose(message) if message["role"] in _IDENTIFIED_ROLES else ""
            if text:
                texts.append(text)
                slots.append((c, m))
    out: list[list[Prediction | None]] = [[None] * len(messages) for messages in conversations]
    for (c, m), prediction in zip(slots, identifier.predict(texts)):
        out[c][m] = prediction
    return out


def conversation_language(messages: list[dict], predictions: list[Prediction | None]) -> str | None:
    """Character-weighted majority language of the user turns, else of the assistant turns, else None."""
    for role in ("user", "assistant"):
        weights: Counter = Counter()
        for message, prediction in zip(messages, predictions):
            if message["role"] == role and prediction is not None:
                weights[prediction.language] += len(message["content"] or "")
        if weights:
            return weights.most_common(1)[0][0]
    return None


def language_mismatch(messages: list[dict], predictions: list[Prediction | None], category: str | None) -> bool:
    """True when an assistant answer is confidently in another language than the user turn before it
    (see the module docstring); never for translation tasks."""
    prompt: Prediction | None = None
    mismatch = False
    for message, prediction in zip(messages, predictions):
        if message["role"] == "user":
            prompt = prediction if _confident(message, prediction) else None
        elif (message["role"] == "assistant" and prompt is not None and _confident(message, prediction)
              and _label(prediction) != _label(prompt)):
            mismatch = True
    return mismatch and not is_translation(messages, category)


def is_translation(messages: list[dict], category: str | None) -> bool:
    """True for category ``translation`` or a user/system turn asking to translate (TRANSLATION_PATTERNS)."""
    if category and "translat" in category:
        return True
    for message in messages:
        if message["role"] in ("user", "system") and message["content"]:
            text = unicodedata.normalize("NFC", message["content"]).casefold()
            if any(pattern.search(text) for pattern in TRANSLATION_PATTERNS.values()):
                return True
    return False


def _confident(message: dict, prediction: Prediction | None) -> bool:
    return prediction is not None and prediction.score >= MIN_SCORE and len(_prose(message)) >= MIN_CHARS


def _label(prediction: Prediction) -> str:
    """The language compared: canonical code (Indonesian as Malay), or fastText's own label outside the eleven."""
    code = prediction.language if prediction.language != OTHER or not prediction.top else prediction.top[0][0]
    return _SAME.get(code, code)


def _prose(message: dict) -> str:
    """The message's content without fenced or inline code, stripped."""
    return _CODE.sub(" ", message["content"] or "").strip()
