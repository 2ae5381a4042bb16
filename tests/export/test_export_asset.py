"""The Dagster export asset materializes the spec's formats after the mix."""

import dagster as dg

from assets.export_assets import mix_exports
from assets.resources import SeamixSettings


def test_asset_exports_each_listed_format(sampled):
    layout, spec_file = sampled
    text = spec_file.read_text().replace("export:\n", "export:\n  formats: [jsonl, megatron]\n", 1)
    spec_file.write_text(text)
    result = dg.materialize([mix_exports], resources={"seamix": SeamixSettings(data_root=layout.root, mix_file=str(spec_file))})
    assert result.success
    metadata = result.asset_materializations_for_node("mix_exports")[0].metadata
    assert metadata["jsonl_tokens"].value == metadata["megatron_tokens"].value > 0
    assert metadata["megatron_path"].value.endswith("exports/export-test/seed-99/megatron")
