"""Han-script text that is not Chinese as the mix means it (FineWeb-2's ``cmn_Hani``, written Mandarin):
Cantonese, Wu, Hakka and Min Nan by characters of their own, Classical Chinese by its particles
without Mandarin's function words, Han-Nom Vietnamese and other non-Mandarin writing by its share
of rare Han characters.

Language-ID models read written Cantonese, Hakka, Wu and Han-Nom as Chinese (lid.176 gives
Cantonese declarations ``zh`` at 0.97), because most of their characters are Mandarin's. What
tells them apart are a few frequent function words that standard written Mandarin does not use:

* Cantonese (``yue_Hani``): the particles and pronouns of written Cantonese (嘅 of possession, 咗 of
  completion, 喺 "at", 嚟 "come", 啲 "some", 嘢 "thing", 哋 plural, 嗰 "that", 冇 "not have",
  唔 "not", 佢 "he/she", 睇 "look", 畀 "give", 咁 "so", 邊個 "who", 瞓 "sleep", 喎, 噃, ...; 係 "is"
  where it is not the 係 of 關係, 聯係, 維係, 干係 or 係數), which Hakka shares in part (唔, 佢), so
  Hakka text with them is caught as well (its label then says Cantonese);
* Hakka (``hak_Hani``): 摎 "with", 仰般 "how", 麼个 "what"; Min Nan (``nan_Hani``): 佇 "at",
  佮 "and", 袂 "cannot";
* Wu (``wuu_Hani``): 侬 "you", 搿 "this", 覅 "don't", 呒 "not have" and 辰光 "time";
* Classical Chinese (``lzh_Hani``, FineWeb-2 keeps it apart): sentence-final particles (也, 者, 乎
  before punctuation; 矣, 焉, 哉, 兮; 曰 introducing speech) in text without the function words of
  written Mandarin (的, 了, 们, 这, 吗, 呢, 么, 很, 没, 给, 吧, 啊). Formal Mandarin writes 之, 其, 而
  and 亦 too, so they are no evidence; a Mandarin text needs CLASSICAL_MIN of the particles and
  almost none of its own function words to be taken for Classical Chinese;
* Han-Nom and dialect writing with characters of CJK Extension A (U+3400-U+4DBF: 㐌, 㗂, ...) or
  beyond the Basic Multilingual Plane (Extension B and later: 𧵑, 𥪝, 𠊎, ...), rare in Mandarin
  (none in 279,000 characters of NTREX, lingua and Lu Xun; a few in names): ``und_Hani``.

Characters that Mandarin also writes are left out of the lists even where a variety uses them more
(嘞 of 好嘞, 咩, 俾, 勿 of 请勿, 伊 of 伊朗, 点解 of 焦点解决; 係 counts only outside Mandarin's words):
the check must not take Mandarin text away from the Chinese rows. A text is a variety when its
markers number at least MARKER_MIN and MARKER_SHARE of its Han characters, so a Mandarin article
quoting one Cantonese phrase stays Chinese.
"""

from __future__ import annotations

import regex

CANTONESE, WU, HAKKA, MIN_NAN = "yue_Hani", "wuu_Hani", "hak_Hani", "nan_Hani"
CLASSICAL, UNDETERMINED_HAN = "lzh_Hani", "und_Hani"
#: Markers per variety: characters (and two-character words) that written Mandarin does not use.
MARKERS: dict[str, tuple[str, ...]] = {
    CANTONESE: ("嘅", "咗", "喺", "嚟", "啲", "嘢", "哋", "嗰", "噉", "冇", "唔", "佢", "睇", "畀", "搵", "揾",
                "攞", "啱", "嘥", "冚", "諗", "谂", "乜嘢", "同埋", "經已", "经已", "咁", "邊個", "边个", "瞓", "攰",
                "喎", "噃"),
    WU: ("侬", "儂", "搿", "覅", "呒", "辰光"),
    HAKKA: ("摎", "仰般", "麼个", "么个"),
    MIN_NAN: ("佇", "佮", "袂"),
}
#: Cantonese 係 "is": not the 係 of Mandarin's 關係, 聯係, 維係, 干係 (relation) or 係數 (coefficient).
_CANTONESE_IS = r"(?<![關关聯联維维干幹])係(?![數数])"
#: Fewest markers, and smallest share of the Han characters, that make a text a variety.
MARKER_MIN = 2
MARKER_SHARE = 0.01
#: Share of Han characters beyond the BMP (at least RARE_MIN of them) from which text is not Mandarin.
RARE_SHARE = 0.05
RARE_MIN = 3
#: Fewest Classical particles, and their smallest share of the Han characters, for Classical Chinese;
#: largest share of Mandarin function words it may hold, and the fewest Han characters it needs.
CLASSICAL_MIN = 2
CLASSICAL_SHARE = 0.015
MANDARIN_SHARE = 0.005
CLASSICAL_MIN_HAN = 20

_VARIETY = {word: variety for variety, words in MARKERS.items() for word in words}
_HAN = regex.compile(r"\p{Han}")
_CLASSICAL = r"[也者乎][，。；：！？」』、]|曰[：「，]|[矣焉哉兮]"
_MANDARIN = regex.compile(r"[的了们們这這吗嗎呢么麼很没沒给給吧啊]")
#: Every marker (single characters as one class), Classical particle or rare Han character: one scan
#: finds them all, and most Chinese text has none.
_FOUND = regex.compile("[{}\u3400-\u4DBF\U00020000-\U0003FFFF]|{}|{}|{}".format(
    "".join(word for word in _VARIETY if len(word) == 1), "|".join(word for word in _VARIETY if len(word) > 1),
    _CANTONESE_IS, _CLASSICAL))


def han_variety(text: str) -> str | None:
    """``yue_Hani``, ``wuu_Hani``, ``hak_Hani``, ``nan_Hani``, ``lzh_Hani`` or ``und_Hani`` for Han text
    written in another variety than Mandarin (see the module docstring), None when it reads as Chinese."""
    found = _FOUND.findall(text)
    if not found:
        return None
    han = len(_HAN.findall(text))
    counts = dict.fromkeys(MARKERS, 0)
    rare = classical = 0
    for match in found:
        if match in _VARIETY:
            counts[_VARIETY[match]] += 1
        elif match == "係":
            counts[CANTONESE] += 1
        elif len(match) == 1 and ("\u3400" <= match <= "\u4DBF" or match >= "\U00020000"):
            rare += 1
        else:
            classical += 1
    if rare >= RARE_MIN and rare >= RARE_SHARE * han:
        return UNDETERMINED_HAN
    variety, count = max(counts.items(), key=lambda item: item[1])
    if count >= MARKER_MIN and count >= MARKER_SHARE * han:
        return variety
    if (classical >= CLASSICAL_MIN and classical >= CLASSICAL_SHARE * han and han >= CLASSICAL_MIN_HAN
            and len(_MANDARIN.findall(text)) <= MANDARIN_SHARE * han):
        return CLASSICAL
    return None
