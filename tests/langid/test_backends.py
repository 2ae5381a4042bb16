"""Backends chosen in config: fastText (lid.176 / GlotLID by path) and heliport (optional extra)."""

from __future__ import annotations

import pytest

from pipelines.curate.config import CurateConfig
from pipelines.langid.backends import (
    BACKENDS,
    FastTextBackend,
    HeliportBackend,
    make_backend,
)
from pipelines.langid.identify import LanguageIdentifier
from pipelines.langid.task import LangidTask


def test_backends_are_chosen_by_name_and_bad_names_are_refused():
    assert isinstance(make_backend("fasttext"), FastTextBackend)
    assert make_backend("fasttext", "/models/glotlid/model.bin").model_path == "/models/glotlid/model.bin"
    with pytest.raises(ValueError, match="unknown language-ID backend 'cld3'"):
        make_backend("cld3")
    with pytest.raises(ValueError, match="ships its own model"):
        make_backend("heliport", "/models/x.bin")
    assert BACKENDS == ("fasttext", "heliport")


def test_fasttext_backend_ranks_raw_labels():
    ranked, thai = FastTextBackend().rank_many(["The weather is very nice today in the city.", "อากาศวันนี้ดีมาก"], 3)
    assert ranked[0][0] == "en" and len(ranked) == 3 and 0.5 < ranked[0][1] <= 1.0
    assert thai[0][0] == "th"


def test_config_reaches_the_langid_task_and_its_fingerprint():
    assert CurateConfig("sources.yaml").langid_backend == "fasttext"
    task = LangidTask(None, None, "heliport")
    assert "|heliport|" in task.fingerprint() and task.fingerprint() != LangidTask(None, None).fingerprint()


def test_heliport_backend_with_the_stages():
    pytest.importorskip("heliport", reason="optional extra seamix[heliport] not installed")
    malay = "Pihak polis berkata bahawa syarikat itu tidak mahu memberikan maklumat kerana siasatan masih berjalan."
    indonesian = "Pihak kepolisian mengatakan bahwa perusahaan itu tidak mau memberikan informasi karena penyelidikan masih berjalan."
    assert HeliportBackend().rank(malay, 3) == [("msa", 1.0)]  # one label for both
    predictions = LanguageIdentifier(backend="heliport").predict([malay, indonesian, "12345"])
    assert [p.language for p in predictions] == ["zsm_Latn", "ind_Latn", "other"]


@pytest.mark.integration
@pytest.mark.parametrize("language", ["tha_Thai", "lao_Laoo", "khm_Khmr", "mya_Mymr"])
def test_heliport_reads_unspaced_scripts_as_words(language: str):
    """HeLI scores the words between spaces: Thai, Lao, Khmer and Burmese text reaches it segmented."""
    pytest.importorskip("heliport", reason="optional extra seamix[heliport] not installed")
    from eval.realdata import NTREX, missing, ntrex_documents
    from pipelines.langid.normalize import normalize_text

    if missing(NTREX):
        pytest.skip(str(missing(NTREX)))
    documents = [normalize_text(text)[0] for text in ntrex_documents(language)]
    predictions = LanguageIdentifier(backend="heliport").predict(documents)
    assert sum(p.language == language for p in predictions) / len(documents) >= 0.98  # measured 99.2-100% (Lao 4.9% unsegmented)


def test_heliport_japanese_without_kana_goes_to_its_runner_up():
    pytest.importorskip("heliport", reason="optional extra seamix[heliport] not installed")
    identifier = LanguageIdentifier(backend="heliport")
    mandarin, japanese = identifier.predict(["人人有权享有国籍。", "東京大学で勉強しています。"])
    assert LanguageIdentifier(backend="heliport", checks=False).predict(["人人有权享有国籍。"])[0].top[0][0] == "jpn"
    assert (mandarin.language, mandarin.score) == ("cmn_Hani", 1.0)
    assert japanese.language == "other" and japanese.top[0][0] == "jpn"
