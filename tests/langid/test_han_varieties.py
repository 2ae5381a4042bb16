"""Han-script varieties kept out of Chinese: Cantonese and Wu by their own characters, Classical
Chinese by its particles without Mandarin's function words, Han-Nom by its rare characters; written Mandarin (generated sentences here, real sets in the integration test) stays."""

from __future__ import annotations

import pytest

from pipelines.langid.han_varieties import CANTONESE, CLASSICAL, HAKKA, MIN_NAN, UNDETERMINED_HAN, WU, han_variety
from pipelines.langid.identify import LanguageIdentifier, Prediction, _checked

MANDARIN = [
    "我们今天下午去图书馆看书，然后一起吃晚饭。",
    "这个问题很复杂，我们需要更多的时间来讨论。",
    "請勿在此吸煙，違者將被罰款。",  # 勿 is Mandarin too (请勿): not a Wu marker
    "他们之间的关系非常好，好嘞，我们明天见。",  # 係 of 關係 and 嘞 are not Cantonese markers
    "伊朗和伊拉克的代表今天在北京会面。",  # 伊 of place names is not Wu
    "警方已敦促该地区居民挺身而出，提供相关线索，以防其再次发生，当局亦呼吁司机避开该路段。",  # formal: 其, 而, 亦, 之
    "孔子说过“学而时习之，不亦说乎？”，这句话我们都很熟悉，也经常引用。",  # one classical quotation
]
CLASSICAL_TEXT = "子曰：「學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？人不知而不慍，不亦君子乎？」"
CANTONESE_TEXT = "佢哋话今日唔得闲，所以我哋喺屋企睇电视，食咗饭先至出去。"
WU_TEXT = "侬今朝啥辰光来？覅忘记带伞。"
HAN_NOM = "役承認人品本𣎏、各權平等吧空體㳻𢴐𧵑每成員𥪝家庭人類"


@pytest.mark.parametrize("text", MANDARIN)
def test_mandarin_is_no_variety(text: str):
    assert han_variety(text) is None


def test_varieties_by_their_markers():
    assert han_variety(CANTONESE_TEXT) == CANTONESE
    assert han_variety(WU_TEXT) == WU
    assert han_variety(HAN_NOM) == UNDETERMINED_HAN
    assert han_variety(CLASSICAL_TEXT) == CLASSICAL


def test_more_varieties_by_their_words():
    assert han_variety("我係香港人，你係邊個？") == CANTONESE  # 係 "is", not the 係 of 關係
    assert han_variety("佢摎𠊎講仰般做。") == HAKKA
    assert han_variety("伊佇厝內佮囝仔講袂使出去。") == MIN_NAN
    assert han_variety("他們之間的關係很好，維係了很多年。") is None
    assert han_variety("㐌㗂㝵") == UNDETERMINED_HAN  # CJK Extension A, rare in Mandarin


def test_classical_particles_need_text_without_mandarin_function_words():
    assert han_variety(CLASSICAL_TEXT + "我们今天下午去图书馆看了很多的书。") is None
    assert han_variety("不亦樂乎？") is None  # too short to tell


def test_one_quoted_phrase_leaves_a_long_mandarin_text_chinese():
    article = "".join(MANDARIN[:2]) * 20 + "他说：“佢哋唔知。”" + "".join(MANDARIN[:2]) * 20
    assert han_variety(article) is None
    assert han_variety("他说：“佢哋唔知。”") == CANTONESE


def test_the_check_relabels_chinese_predictions_only():
    chinese = Prediction("cmn_Hani", 0.97, (("cmn_Hani", 0.97),))
    assert _checked(CANTONESE_TEXT, chinese, None).language == CANTONESE
    assert _checked(MANDARIN[0], chinese, None).language == "cmn_Hani"
    japanese = Prediction("jpn_Jpan", 0.9, (("jpn_Jpan", 0.9),))
    assert _checked(CANTONESE_TEXT, japanese, None).language == "jpn_Jpan"  # not a target: left as it is


@pytest.mark.integration
def test_written_cantonese_is_dropped_with_its_name():
    (prediction,) = LanguageIdentifier().predict([CANTONESE_TEXT])
    assert prediction.language == CANTONESE
