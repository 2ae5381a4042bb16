"""Han-script text that is not Chinese as the mix means it (FineWeb-2's ``cmn_Hani``, written Mandarin):
Cantonese and Wu by characters of their own, Han-Nom Vietnamese and other non-Mandarin writing by
its share of rare Han characters.

Language-ID models read written Cantonese, Hakka, Wu and Han-Nom as Chinese (lid.176 gives
Cantonese declarations ``zh`` at 0.97), because most of their characters are Mandarin's. What
tells them apart are a few frequent function words that standard written Mandarin does not use:

* Cantonese (``yue_Hani``): the particles and pronouns of written Cantonese (嘅 of possession, 咗 of
  completion, 喺 "at", 嚟 "come", 啲 "some", 嘢 "thing", 哋 plural, 嗰 "that", 冇 "not have",
  唔 "not", 佢 "he/she", 睇 "look", 畀 "give", ...), which Hakka shares in part (唔, 佢), so Hakka
  text with them is caught as well (its label then says Cantonese);
* Wu (``wuu_Hani``): 侬 "you", 搿 "this", 覅 "don't", 呒 "not have" and 辰光 "time";
* Han-Nom and dialect writing with characters beyond the Basic Multilingual Plane (CJK
  Extension B and later: 𧵑, 𥪝, 𠊎, ...), rare in Mandarin (a few in names): ``und_Hani``.

Characters that Mandarin also writes are left out of the lists even where a variety uses them more
(係 of 關係, 嘞 of 好嘞, 咩, 俾, 勿 of 请勿, 伊 of 伊朗): the check must not take Mandarin text away
from the Chinese rows. A text is a variety when its markers number at least MARKER_MIN and
MARKER_SHARE of its Han characters, so a Mandarin article quoting one Cantonese phrase stays Chinese.
"""

from __future__ import annotations

import regex

CANTONESE, WU, UNDETERMINED_HAN = "yue_Hani", "wuu_Hani", "und_Hani"
#: Markers per variety: characters (and two-character words) that written Mandarin does not use.
MARKERS: dict[str, tuple[str, ...]] = {
    CANTONESE: ("嘅", "咗", "喺", "嚟", "啲", "嘢", "哋", "嗰", "噉", "冇", "唔", "佢", "睇", "畀", "搵", "揾",
                "攞", "啱", "嘥", "冚", "諗", "谂", "乜嘢", "同埋", "經已", "经已"),
    WU: ("侬", "儂", "搿", "覅", "呒", "辰光"),
}
#: Fewest markers, and smallest share of the Han characters, that make a text a variety.
MARKER_MIN = 2
MARKER_SHARE = 0.01
#: Share of Han characters beyond the BMP (at least RARE_MIN of them) from which text is not Mandarin.
RARE_SHARE = 0.05
RARE_MIN = 3

_VARIETY = {word: variety for variety, words in MARKERS.items() for word in words}
_HAN = regex.compile(r"\p{Han}")
#: Every marker (single characters as one class) or rare Han character: one scan finds them all, and
#: most Chinese text has none.
_FOUND = regex.compile("[{}\U00020000-\U0003FFFF]|{}".format(
    "".join(word for word in _VARIETY if len(word) == 1), "|".join(word for word in _VARIETY if len(word) > 1)))


def han_variety(text: str) -> str | None:
    """``yue_Hani``, ``wuu_Hani`` or ``und_Hani`` for Han text written in another variety than Mandarin
    (see the module docstring), None when it reads as Chinese."""
    found = _FOUND.findall(text)
    if not found:
        return None
    han = len(_HAN.findall(text))
    counts = dict.fromkeys(MARKERS, 0)
    rare = 0
    for match in found:
        if match in _VARIETY:
            counts[_VARIETY[match]] += 1
        else:
            rare += 1
    if rare >= RARE_MIN and rare >= RARE_SHARE * han:
        return UNDETERMINED_HAN
    variety, count = max(counts.items(), key=lambda item: item[1])
    if count >= MARKER_MIN and count >= MARKER_SHARE * han:
        return variety
    return None
