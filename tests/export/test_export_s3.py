"""Export onto an S3 data root (moto's server on loopback): the shards are published from the
background thread as uploads, and the files and manifest equal those of the same export on a local root."""

from __future__ import annotations

from pathlib import Path

import pytest
from moto_s3 import aws_env, moto_s3_server
from test_export import export

from pipelines import storage
from pipelines.export.stage import export_dir
from pipelines.mix.spec import load_mix_spec
from pipelines.storage.layout import DataLayout

s3fs = pytest.importorskip("s3fs", reason="an s3:// data root needs s3fs (pip install s3fs)")
boto3 = pytest.importorskip("boto3", reason="the S3 test needs boto3")
pytest.importorskip("moto.server", reason="the S3 test needs moto's server mode (pip install 'moto[server]')")

BUCKET = "seamix-export"


@pytest.mark.parametrize("fmt", ["megatron", "jsonl"])
def test_export_onto_s3_equals_the_local_export(sampled, fmt):
    layout, spec_file = sampled
    local = export(layout, spec_file, fmt)
    with moto_s3_server() as (host, port), pytest.MonkeyPatch.context() as env:
        aws_env(env, f"http://{host}:{port}")
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        try:
            fs = s3fs.S3FileSystem()
            fs.put(str(Path(layout.root, "mixes")), f"{BUCKET}/root/mixes", recursive=True)
            remote_layout = DataLayout.at(f"s3://{BUCKET}/root")
            remote = export(remote_layout, spec_file, fmt)
            out = export_dir(remote_layout, load_mix_spec(spec_file), fmt)
            published = {entry["file"]: storage.size(storage.join(out, entry["file"])) for entry in remote["files"]}
        finally:
            s3fs.S3FileSystem.clear_instance_cache()
    # blend.txt names the datasets by their paths, so it (and the total bytes) differ between the roots
    same = lambda m: [(f["file"], f["sha256"]) for f in m["files"] if f["file"] != "blend.txt"]  # noqa: E731
    totals = lambda m: {k: v for k, v in m["totals"].items() if k != "bytes"}  # noqa: E731
    assert same(remote) == same(local) and totals(remote) == totals(local)
    assert published == {f["file"]: f["bytes"] for f in remote["files"]}
