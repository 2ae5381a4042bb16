"""The export asset: the mix shards tokenized for the training stack (MDS, Megatron, JSONL)."""

import dagster as dg

from assets.mix_assets import mix_shards
from assets.resources import SeamixSettings, writes_data_root
from pipelines.export.config import load_export_settings
from pipelines.export.stage import export_dir, export_mix
from pipelines.mix.spec import load_mix_spec


@dg.asset(group_name="export", deps=[mix_shards])
@writes_data_root
def mix_exports(seamix: SeamixSettings) -> dg.MaterializeResult:
    """Each format of the spec's ``export.formats``, written under ``exports/<mix>/seed-<seed>/<format>``;
    token totals equal the mix manifest's plus BOS/EOS per document."""
    spec = load_mix_spec(seamix.mix_file)
    settings = load_export_settings(seamix.mix_file, spec.tokenizer)
    metadata: dict = {}
    for fmt in settings.formats:
        totals = export_mix(seamix.layout, spec, settings, fmt)["totals"]
        metadata[f"{fmt}_tokens"] = totals["tokens"]
        metadata[f"{fmt}_files"] = totals["files"]
        metadata[f"{fmt}_path"] = dg.MetadataValue.path(export_dir(seamix.layout, spec, fmt))
    return dg.MaterializeResult(metadata=metadata)


export_assets = [mix_exports]
