"""Quality rule families: reasons carry their family's prefix, signals annotate kept documents,
``null`` switches a rule off, and re-thresholding the signals reproduces the decisions."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from test_quality import CLEAN_ENGLISH, CLEAN_THAI, JUNK

from pipelines.quality.config import FAMILIES, load_quality_config
from pipelines.quality.filter import (
    assess,
    quality_batch,
    quality_reason,
    signal_columns,
)

CONFIG = load_quality_config()
DEFAULTS = Path(__file__).resolve().parents[2] / "pipelines" / "quality" / "defaults.yaml"


def test_every_reason_and_signal_is_prefixed_by_its_family():
    families = [family.family for family in FAMILIES]
    for settings in CONFIG.values():
        for family in families:
            for rule in getattr(settings, family).rules():
                assert rule.signal.startswith(family + "_")
                for reason in (rule.low_reason, rule.high_reason):
                    assert reason == "" or reason.startswith(family + "_"), reason
    for reason in JUNK:
        assert any(reason.startswith(family + "_") for family in families), reason


def test_kept_documents_carry_every_signal_as_a_float_column():
    table = pa.table({"id": ["a", "b", "c"], "language": ["eng_Latn", "eng_Latn", "tha_Thai"],
                      "text": pa.array([CLEAN_ENGLISH, JUNK["c4_lorem_ipsum"], CLEAN_THAI], pa.large_string())})
    kept, dropped = quality_batch(table, CONFIG)
    columns = signal_columns(CONFIG)
    assert {"page_chars", "c4_javascript_line_frac", "gopher_quality_stop_words", "gopher_repetition_top_2gram_char_frac",
            "gopher_repetition_dup_10gram_char_frac", "fineweb_line_punct_frac"} <= set(columns)
    assert all(kept.schema.field(name).type == pa.float64() for name in columns)
    english = kept.slice(0, 1).to_pylist()[0]
    assert english["page_chars"] == len(CLEAN_ENGLISH.strip())
    assert english["gopher_quality_words"] == english["n_words"] == len(CLEAN_ENGLISH.split())
    assert english["gopher_quality_stop_words"] >= 2
    assert english["fineweb_line_punct_frac"] == 1.0
    assert all(english[name] is not None for name in columns), "every rule ran on a kept document"
    assert dropped.column("reason").to_pylist() == ["c4_lorem_ipsum"]


def test_a_null_threshold_switches_the_rule_off_but_keeps_its_signal(tmp_path: Path):
    text = JUNK["fineweb_line_punct"]
    assert quality_reason(text, "eng_Latn", CONFIG["eng_Latn"]) == "fineweb_line_punct"
    config_file = tmp_path / "q.yaml"
    config_file.write_text(DEFAULTS.read_text(encoding="utf-8").replace("min_line_punct_ratio: 0.12 ", "min_line_punct_ratio: null "),
                           encoding="utf-8")
    relaxed = load_quality_config(config_file)
    assert relaxed["eng_Latn"].fineweb.min_line_punct_ratio is None
    reason, signals = assess(text, "eng_Latn", relaxed["eng_Latn"].rules())
    assert reason != "fineweb_line_punct"
    assert signals["fineweb_line_punct_frac"] == 0.0


@pytest.mark.parametrize("limit", [0.5, 0.9])
def test_rethresholding_signals_in_duckdb_matches_a_rerun(tmp_path: Path, limit: float):
    """A user tightens one threshold in SQL over the kept documents; the same threshold in the config gives the same set."""
    texts = [CLEAN_ENGLISH, CLEAN_ENGLISH.replace(".\n", "\n", 3), CLEAN_ENGLISH.replace(".\n", "\n", 5), JUNK["c4_javascript"]]
    table = pa.table({"id": [str(i) for i in range(len(texts))], "language": ["eng_Latn"] * len(texts), "text": texts})
    kept, _ = quality_batch(table, CONFIG)
    in_sql = duckdb.sql(f"SELECT id FROM kept WHERE fineweb_line_punct_frac >= {limit} ORDER BY id").fetchall()
    config_file = tmp_path / "strict.yaml"
    config_file.write_text(DEFAULTS.read_text(encoding="utf-8").replace("min_line_punct_ratio: 0.12 ", f"min_line_punct_ratio: {limit} "),
                           encoding="utf-8")
    rerun, _ = quality_batch(table, load_quality_config(config_file))
    assert [(i,) for i in rerun.column("id").to_pylist()] == in_sql
    assert 0 < len(in_sql) < len(texts)
