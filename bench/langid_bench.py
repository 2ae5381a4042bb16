"""Langid stage time on the documents a curation run extracted: ``langid_batch`` over every extract
part of a data root, CPU seconds (best of N), after a warm-up that loads the models.

Run: ``python -m bench.langid_bench DATA_ROOT [N]`` (e.g. after ``seamix run`` on the demo). Compare
two checkouts by running it from each with the same DATA_ROOT."""

from __future__ import annotations

import glob
import sys
import time

import pyarrow.parquet as pq

from eval.lid_backends import min_scores
from pipelines.langid.identify import LanguageIdentifier, langid_batch


def main(argv: list[str]) -> int:
    root, repeats = argv[0], int(argv[1]) if len(argv) > 1 else 3
    tables = [pq.read_table(path) for path in sorted(glob.glob(f"{root}/curate/extract/*/part-*.parquet"))]
    if not tables:
        print(f"no extract parts under {root}/curate/extract", file=sys.stderr)
        return 1
    identifier, scores = LanguageIdentifier(), min_scores()
    langid_batch(tables[0].slice(0, 5), identifier, scores)
    documents = sum(table.num_rows for table in tables)
    runs = []
    for _ in range(repeats):
        start = time.process_time()
        for table in tables:
            langid_batch(table, identifier, scores)
        runs.append(time.process_time() - start)
    print(f"{documents} documents, CPU s per run {[round(r, 3) for r in runs]}, best {min(runs):.3f} s, {documents / min(runs):.0f} docs/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
