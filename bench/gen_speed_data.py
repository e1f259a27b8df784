#!/usr/bin/env python3
"""Generate the speed-benchmark data (Python 3.11 stdlib only, deterministic, fast).

    python3 bench/gen_speed_data.py --out bench/data/speed [--tree-mb 512] [--big-mb 1024] [--tiny 200000]

writes
    OUT/tree/   a source tree of >= tree-mb MB: ~15k files of 4-160 KB in many languages
    OUT/big/    one file of big-mb MB (a huge log/dump/bundle)
    OUT/tiny/   `tiny` files of 60 B - 2 KB in folders of 1,000
and OUT/manifest.json (sizes, file counts, how many secrets were planted).

Text is realistic source/config: lines drawn from the accuracy corpus's
fillers (code that mentions token/password/secret/key, as real code does),
plain code from a vocabulary, hard negatives (hashes, UUIDs, placeholders,
lockfile integrity, base64 blobs), and a planted secret every ~200 KB on
average (real vendor formats, random values; see corpus/creds.py).
Speed: text is assembled from a pool of pre-rendered chunks, so 1.7 GB is
written in well under a minute; generation time is not part of the benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "corpus"))
import creds as C  # noqa: E402
import gen_corpus as G  # noqa: E402

LANGS = ["py", "js", "ts", "go", "java", "rb", "php", "cs", "sh", "yaml", "json", "env", "properties", "xml", "toml", "ini"]
EXTS = {"py": "py", "js": "js", "ts": "ts", "go": "go", "java": "java", "rb": "rb", "php": "php", "cs": "cs", "sh": "sh",
        "yaml": "yaml", "json": "json", "env": "env", "properties": "properties", "xml": "xml", "toml": "toml", "ini": "ini"}

WORDS = ("result items value index count total offset buffer config client server request response handler context logger "
         "cache user order invoice account session queue worker event payload message status error retry timeout limit page "
         "filter sort query record field schema model view route path name id data list map set get put post update delete "
         "parse render build load save open close read write start stop init reset merge split join format encode decode").split()
KW = {"py": ["def", "return", "if", "for", "in", "not", "None", "self", "import", "with", "as"],
      "js": ["const", "let", "return", "function", "async", "await", "if", "=>", "new", "this"],
      "go": ["func", "return", "if", "err", "nil", ":=", "range", "defer", "go", "chan"],
      "java": ["public", "private", "final", "return", "new", "if", "static", "void", "String", "List<String>"]}


def code_line(r: random.Random, lang: str) -> str:
    kw = KW.get(lang, KW["py"] if lang in ("rb", "sh", "yaml", "toml", "ini", "env", "properties") else KW["js"])
    n = r.randint(2, 9)
    parts = []
    for _ in range(n):
        x = r.random()
        if x < 0.25:
            parts.append(r.choice(kw))
        elif x < 0.75:
            a, b = r.choice(WORDS), r.choice(WORDS)
            parts.append(r.choice([f"{a}_{b}", f"{a}{b.title()}", f"{a}.{b}", f"{a}({b})", f"{a}[{r.randint(0, 99)}]"]))
        elif x < 0.85:
            parts.append(str(r.randint(0, 100000)))
        else:
            parts.append(f'"{r.choice(WORDS)} {r.choice(WORDS)}"')
    return " " * (4 * r.randint(0, 3)) + " ".join(parts)


def make_pool(r: random.Random, n_chunks: int, lines_per_chunk: int) -> list[str]:
    """Secret-free chunks of realistic text (~1.3 KB each)."""
    pool = []
    for _ in range(n_chunks):
        lang = r.choice(LANGS)
        out = []
        for _ in range(lines_per_chunk):
            x = r.random()
            if x < 0.70:
                out.append(code_line(r, lang))
            elif x < 0.92:
                out.append(r.choice(G.FILLER.get(lang, G.FILLER["py"])))
            elif x < 0.985:
                out.append(G.neg_line(r, lang)[0] if lang in G.COMMENT or lang in ("json", "xml") else code_line(r, lang))
            else:
                blob = r.choice(["sha512-" + C.b64(C._rand(r, 64)), G.uuid(r), G.rhex(r, 40), "data:image/png;base64," + C.b64(C._rand(r, 120))])
                out.append(f"  // {blob}" if lang not in ("py", "sh", "rb", "yaml", "toml", "env", "properties") else f"# {blob}")
        pool.append("\n".join(out) + "\n")
    return pool


def secret_line(r: random.Random) -> str:
    cred = C.pick_simple(r)
    lang = r.choice(["py", "js", "go", "yaml", "env", "json", "sh"])
    return G.assign(r, lang, r.choice(cred.names), cred.value) + "\n"


class Writer:
    def __init__(self, r: random.Random, pool: list[str], secret_every: int):
        self.r, self.pool, self.secret_every = r, pool, secret_every
        self.secrets = 0
        self.bytes = 0

    def text(self, size: int) -> str:
        """About `size` bytes of text: random pool chunks, a planted secret every ~secret_every bytes."""
        r, pool = self.r, self.pool
        avg = 1300
        k = max(1, size // avg)
        chunks = r.choices(pool, k=k)
        n_sec = sum(1 for _ in range(max(1, size // 4096)) if r.random() < 4096 / self.secret_every)
        for _ in range(n_sec):
            chunks.insert(r.randrange(len(chunks) + 1), secret_line(r))
        self.secrets += n_sec
        s = "".join(chunks)
        self.bytes += len(s)
        return s


def gen_tree(w: Writer, r: random.Random, out: str, total_mb: int):
    target = total_mb * 1024 * 1024
    written, n = 0, 0
    dirs = [f"{a}/{b}" for a in ["services", "libs", "apps", "tools", "platform", "vendor"] for b in
            ["orders", "billing", "auth", "search", "web", "api", "worker", "common", "infra", "data", "ml", "ui"]]
    while written < target:
        lang = r.choice(LANGS)
        d = os.path.join(out, r.choice(dirs), f"m{n % 50}")
        os.makedirs(d, exist_ok=True)
        size = int(r.lognormvariate(10.3, 0.8))  # median ~30 KB
        size = max(4096, min(size, 160 * 1024))
        txt = f"// file {n} {G.rhex(r, 16)}\n" + w.text(size)
        with open(os.path.join(d, f"{r.choice(G.STEMS)}_{n}.{EXTS[lang]}"), "w") as f:
            f.write(txt)
        written += len(txt)
        n += 1
    return n, written


def gen_big(w: Writer, out: str, total_mb: int):
    os.makedirs(out, exist_ok=True)
    target = total_mb * 1024 * 1024
    written = 0
    with open(os.path.join(out, "huge-dump.log"), "w") as f:
        while written < target:
            s = w.text(min(8 * 1024 * 1024, target - written + 1300))
            f.write(s)
            written += len(s)
    return 1, written


def gen_tiny(w: Writer, r: random.Random, out: str, count: int):
    written = 0
    lines = [ln for c in w.pool[:4000] for ln in c.split("\n") if ln.strip()]
    for i in range(count):
        if i % 1000 == 0:
            d = os.path.join(out, f"pkg{i // 1000:03d}")
            os.makedirs(d, exist_ok=True)
        k = r.randint(1, 25)
        body = "\n".join(r.choices(lines, k=k)) + "\n"
        if r.random() < 0.02:
            body += secret_line(r)
            w.secrets += 1
        with open(os.path.join(d, f"f{i}.{EXTS[r.choice(LANGS)]}"), "w") as f:
            f.write(body)
        written += len(body)
    return count, written


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, "data", "speed"))
    ap.add_argument("--tree-mb", type=int, default=512)
    ap.add_argument("--big-mb", type=int, default=1024)
    ap.add_argument("--tiny", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only", choices=["tree", "big", "tiny"], action="append", help="generate only these shapes (repeatable)")
    a = ap.parse_args()
    shapes = a.only or ["tree", "big", "tiny"]
    r = random.Random(a.seed)
    pool = make_pool(r, 6000, 24)
    manifest_path = os.path.join(a.out, "manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    for shape in shapes:
        dest = os.path.join(a.out, shape)
        if os.path.exists(dest):
            shutil.rmtree(dest)
        os.makedirs(dest)
        w = Writer(random.Random(f"{a.seed}-{shape}"), pool, 200 * 1024)
        rr = random.Random(f"{a.seed}-{shape}-layout")
        if shape == "tree":
            files, nbytes = gen_tree(w, rr, dest, a.tree_mb)
        elif shape == "big":
            files, nbytes = gen_big(w, dest, a.big_mb)
        else:
            files, nbytes = gen_tiny(w, rr, dest, a.tiny)
        manifest[shape] = {"files": files, "bytes": nbytes, "planted_secrets": w.secrets,
                           "params": {"tree_mb": a.tree_mb, "big_mb": a.big_mb, "tiny": a.tiny, "seed": a.seed}}
        print(f"{shape}: {files} files, {nbytes / 1e6:.1f} MB, {w.secrets} planted secrets", flush=True)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
