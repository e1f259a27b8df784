#!/usr/bin/env python3
"""Deterministic, offline generator of a synthetic git history for the
history-scan benchmark (bench/git_bench.sh).

Writes a `git fast-import` stream to stdout (pipe it into
`git fast-import` in an empty repository). Same arguments, same
repository, byte for byte: no clock, no network, a seeded PRNG.

Shape: `--files` text files of ~`--file-kb` KiB (source-like lines);
`--commits` commits on `main`, each editing `--edits` files (a few lines
changed, some appended, so blobs delta-compress like a real history);
every 500th commit starts a short side branch that is merged back 20
commits later; every 1000th commit is tagged; a few branches stay
unmerged. Every `--secret-every`th commit plants a GitHub classic token
(valid CRC32 checksum, computed here) in an edited file, and a later
commit removes it again, so most planted secrets live only in history.
The planted tokens are listed in `<repo>/../planted.txt` when `--planted`
is given, for recall checks.
"""

import argparse
import random
import sys
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def base62(n, width):
    out = []
    while n > 0:
        out.append(BASE62[n % 62])
        n //= 62
    while len(out) < width:
        out.append("0")
    return "".join(reversed(out))


def github_token(rng):
    body = "".join(rng.choice(ALNUM) for _ in range(30))
    return "ghp_" + body + base62(zlib.crc32(body.encode()), 6)


WORDS = (
    "let mut self fn return match impl struct enum pub use crate where for in if else "
    "while loop break continue value result error option some none ok err config "
    "request response handler client server buffer index count total offset length "
    "parse render encode decode stream reader writer token cache state update commit"
).split()


def make_line_pool(rng, n):
    pool = []
    for _ in range(n):
        indent = "    " * rng.randint(0, 3)
        k = rng.randint(3, 12)
        words = " ".join(rng.choice(WORDS) for _ in range(k))
        num = rng.randint(0, 99999)
        pool.append(f"{indent}{words} = {num}; // {rng.choice(WORDS)}\n")
    return pool


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--commits", type=int, default=20000)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--file-kb", type=int, default=18)
    ap.add_argument("--edits", type=int, default=3)
    ap.add_argument("--secret-every", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--planted", help="write planted tokens (one a line) here")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    pool = make_line_pool(rng, 20000)
    out = sys.stdout.buffer
    w = out.write

    lines_per_file = max(4, args.file_kb * 1024 // 60)
    files = []
    for i in range(args.files):
        d = f"src/mod{i % 50:02d}/sub{(i // 50) % 8}"
        path = f"{d}/file{i:05d}.rs"
        files.append([path, [rng.choice(pool) for _ in range(lines_per_file)]])

    mark = 0
    t0 = 1_600_000_000
    planted = []
    pending_removal = []  # (commit index to remove at, file index, token)
    stats_bytes = 0

    def blob(data):
        nonlocal mark, stats_bytes
        mark += 1
        w(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
        w(data)
        w(b"\n")
        stats_bytes += len(data)
        return mark

    def commit(ref, n, msg, changes, parent=None, merge=None):
        nonlocal mark
        mark += 1
        ts = t0 + n * 600
        author = f"Dev {n % 17} <dev{n % 17}@example.com> {ts} +0000\n".encode()
        w(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
        w(b"author " + author + b"committer " + author)
        m = msg.encode()
        w(b"data %d\n%s\n" % (len(m), m))
        if parent is not None:
            w(b"from :%d\n" % parent)
        if merge is not None:
            w(b"merge :%d\n" % merge)
        for path, bm in changes:
            if bm is None:
                w(b"D %s\n" % path.encode())
            else:
                w(b"M 100644 :%d %s\n" % (bm, path.encode()))
        w(b"\n")
        return mark

    # Initial commit: every file.
    changes = [(p, blob("".join(ls).encode())) for p, ls in files]
    head = commit("refs/heads/main", 0, "initial import", changes)
    side = None  # (start commit index, branch tip mark, branch name)
    for n in range(1, args.commits):
        changes = []
        for _ in range(args.edits):
            fi = rng.randrange(len(files))
            ls = files[fi][1]
            for _ in range(rng.randint(1, 4)):
                ls[rng.randrange(len(ls))] = rng.choice(pool)
            ls.append(rng.choice(pool))
            if len(ls) > lines_per_file * 2:
                del ls[: lines_per_file // 2]
            if args.secret_every and n % args.secret_every == 0 and not changes:
                tok = github_token(rng)
                planted.append(tok)
                pos = rng.randrange(len(ls))
                ls.insert(pos, f'    let token = "{tok}";\n')
                pending_removal.append((n + 37, fi, tok))
            changes.append((files[fi][0], blob("".join(ls).encode())))
        for item in [p for p in pending_removal if p[0] == n]:
            pending_removal.remove(item)
            _, fi, tok = item
            # Leave every 5th planted secret in HEAD.
            if planted.index(tok) % 5 == 4:
                continue
            ls = files[fi][1]
            files[fi][1] = [l for l in ls if tok not in l]
            changes.append((files[fi][0], blob("".join(files[fi][1]).encode())))
        if side is not None and n == side[0] + 20:
            # Merge the side branch back.
            head = commit("refs/heads/main", n, f"merge {side[2]}", changes, head, side[1])
            side = None
        elif n % 500 == 250 and side is None:
            name = f"topic-{n}"
            # The side branch gets its own edit on a fresh file.
            path = f"topics/{name}.txt"
            text = "".join(rng.choice(pool) for _ in range(lines_per_file)).encode()
            tip = commit(f"refs/heads/{name}", n, f"start {name}", [(path, blob(text))], head)
            keep = n % 2000 == 250  # some branches stay unmerged
            if not keep:
                side = (n, tip, name)
            head = commit("refs/heads/main", n, f"change {n}", changes, head)
        else:
            head = commit("refs/heads/main", n, f"change {n}", changes, head)
        if n % 1000 == 0:
            w(b"reset refs/tags/v%d\nfrom :%d\n\n" % (n // 1000, head))
    w(b"done\n")
    out.flush()
    if args.planted:
        with open(args.planted, "w") as f:
            f.write("".join(t + "\n" for t in planted))
    print(f"generated {args.commits} commits, {stats_bytes / 1e9:.2f} GB of blobs, "
          f"{len(planted)} planted tokens", file=sys.stderr)


if __name__ == "__main__":
    main()
