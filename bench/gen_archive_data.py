#!/usr/bin/env python3
"""Generate the archive-benchmark data (Python 3 stdlib only, deterministic).

    python3 bench/gen_archive_data.py --out bench/data/archive [--tree-mb 200]

writes OUT/tree/ (the speed benchmark's source tree, gen_speed_data.py) and
the same tree packed as OUT/tree.tar.gz and OUT/tree.zip (deflate), plus
OUT/manifest.json. Regenerated only when the size differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "data", "archive"))
    ap.add_argument("--tree-mb", type=int, default=200)
    a = ap.parse_args()
    man_path = os.path.join(a.out, "manifest.json")
    if os.path.exists(man_path):
        with open(man_path) as f:
            if json.load(f).get("tree_mb") == a.tree_mb:
                return 0
    subprocess.run(
        [sys.executable, os.path.join(HERE, "gen_speed_data.py"), "--out", a.out,
         "--tree-mb", str(a.tree_mb), "--only", "tree"],
        check=True,
    )
    tree = os.path.join(a.out, "tree")
    files = sorted(
        os.path.relpath(os.path.join(d, n), tree)
        for d, _, ns in os.walk(tree) for n in ns
    )
    with tarfile.open(os.path.join(a.out, "tree.tar.gz"), "w:gz", compresslevel=6) as t:
        for rel in files:
            t.add(os.path.join(tree, rel), arcname=rel, recursive=False)
    with zipfile.ZipFile(os.path.join(a.out, "tree.zip"), "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for rel in files:
            z.write(os.path.join(tree, rel), arcname=rel)
    with open(man_path, "w") as f:
        json.dump({"tree_mb": a.tree_mb, "files": len(files),
                   "tar_gz_bytes": os.path.getsize(os.path.join(a.out, "tree.tar.gz")),
                   "zip_bytes": os.path.getsize(os.path.join(a.out, "tree.zip"))}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
