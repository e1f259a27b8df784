#!/usr/bin/env bash
# Full-size hostile inputs, run outside CI (CI runs scaled-down versions in
# tests/hostile.rs and the credlint-k8s tests):
#
#   1. a 2 GiB single-line file with secrets at its start, across a 16 MiB
#      chunk edge, in the middle and at its end (default size limit: skipped
#      with a warning; with --max-file-size 3G: scanned in chunks);
#   2. `AKIA` x 10^7 on one line, and 10^7 lines of `AKIA` (the keyword
#      prefilter must stay linear, memory bounded);
#   3. a Kubernetes manifest nested 10,000 levels deep (flow maps, flow
#      sequences, block sequences, block maps);
#   4. a billion-laughs YAML (9 levels of 10 aliases) as a ConfigMap, and a
#      Secret whose data is an alias bomb.
#
# Each run goes through `/usr/bin/time -v`: wall time, peak RSS, exit code,
# findings and warnings go to bench/results/stress-YYYY-MM-DD.md.
#
# usage: bench/stress.sh            (builds release first unless CREDLINT is set)
#        CREDLINT=/path/to/credlint bench/stress.sh
#        KEEP_DATA=1 bench/stress.sh  (keep the 2 GiB file)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DATA=bench/data/stress
OUT=bench/results/stress-$(date +%F).md
mkdir -p "$DATA" bench/results

if ! [ -x /usr/bin/time ]; then
  echo "installing GNU time" >&2
  apt-get install -y time >/dev/null
fi

if [ -z "${CREDLINT:-}" ]; then
  cargo build --release -p credlint >&2
  CREDLINT="${CARGO_TARGET_DIR:-$ROOT/target}/release/credlint"
fi
echo "binary: $CREDLINT" >&2

# ---- data -----------------------------------------------------------------
# Secrets are built here, at run time (a GitHub token needs its checksum).
python3 - "$DATA" <<'PY'
import os, random, sys, zlib
d = sys.argv[1]
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def b62(n, w):
    s = ""
    while n:
        s = B62[n % 62] + s; n //= 62
    return s.rjust(w, "0")
rnd = random.Random(7)
def chars(n, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"):
    return "".join(rnd.choice(alphabet) for _ in range(n))
def gh():
    body = "".join(rnd.choice(B62) for _ in range(30))
    return "gh" + "p_" + body + b62(zlib.crc32(body.encode()), 6)
def aws():
    return "AK" + "IA" + chars(16)

# 1. 2 GiB, one line. Filler: a 64 KiB block of lowercase words and digits
# (no keyword of any rule), repeated; secrets spliced in at chosen offsets.
big = os.path.join(d, "big-line.txt")
size = 2 << 30
if not (os.path.exists(big) and os.path.getsize(big) == size):
    words = ["lorem", "ipsum", "dolor", "sit", "amet", "quux", "zeta", "omega", "12", "345", "6789"]
    block = bytearray()
    while len(block) < 64 << 10:
        block += (rnd.choice(words) + " ").encode()
    block = bytes(block[: 64 << 10])
    inserts = {}
    for off in (0, (16 << 20) - 10, 1 << 30, size - 200):
        inserts[off - off % len(block)] = (off % len(block), f" key={aws()} tok={gh()} ".encode())
    with open(big, "wb") as f:
        for pos in range(0, size, len(block)):
            chunk = block
            if pos in inserts:
                at, s = inserts[pos]
                at = min(at, len(block) - len(s))
                chunk = block[:at] + s + block[at + len(s):]
            f.write(chunk)
    with open(big + ".expect", "w") as f:
        f.write(str(2 * len(inserts)))

# 2. repeated keyword
with open(os.path.join(d, "akia-line.txt"), "wb") as f:
    f.write(b"AKIA" * 10_000_000)
with open(os.path.join(d, "akia-lines.txt"), "wb") as f:
    f.write(b"AKIA\n" * 10_000_000)

# 3. 10,000 levels of nesting in a manifest.
n = 10_000
head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: "
with open(os.path.join(d, "deep-flow-map.yaml"), "w") as f:
    f.write(head + "{a: " * n + "1" + "}" * n + "\n")
with open(os.path.join(d, "deep-flow-seq.yaml"), "w") as f:
    f.write(head + "[" * n + "]" * n + "\n")
# Block sequences nest on one line (`- - - 1`): 10,000 levels in 20 KB.
with open(os.path.join(d, "deep-block-seq.yaml"), "w") as f:
    f.write(head.rstrip() + "\n    " + "- " * n + "1\n")
# Block maps need an indent per level: 48 MB at 10,000 levels, so over the
# 16 MiB whole-file limit (scanned in chunks, leak rules only).
with open(os.path.join(d, "deep-block-map.yaml"), "w") as f:
    f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n")
    for i in range(n):
        f.write(" " * (2 + i) + "a:\n")
    f.write(" " * (2 + n) + "b: 1\n")

# 4. billion laughs: 10^9 nodes once aliases are expanded.
lol = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: lol", "data:",
       '  a0: &a0 "lol"']
for i in range(1, 10):
    lol.append(f"  a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]")
with open(os.path.join(d, "billion-laughs.yaml"), "w") as f:
    f.write("\n".join(lol) + "\n")
sec = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: bomb",
       "  annotations:", '    a0: &a0 "lol"']
for i in range(1, 10):
    sec.append(f"    a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]")
sec += ["data:", "  password: " + "WnE4dk4zclQ2d1kxdUI1eA==", "  bomb: *a9"]
with open(os.path.join(d, "secret-bomb.yaml"), "w") as f:
    f.write("\n".join(sec) + "\n")
PY

# ---- runs -----------------------------------------------------------------
{
  echo "# Stress run $(date -u +%FT%TZ)"
  echo
  echo "\`bench/stress.sh\` on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM;"
  echo "binary: \`$("$CREDLINT" --version)\` (release). Each row is one"
  echo "\`/usr/bin/time -v credlint scan --no-config --format json <input>\`."
  echo
  echo "| input | size | extra flags | exit | wall | peak RSS | findings | warnings |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|"
} >"$OUT"

run() { # name file [flags...]
  local name=$1 file=$2; shift 2
  local tlog json
  tlog=$(mktemp) json=$(mktemp)
  set +e
  /usr/bin/time -v "$CREDLINT" scan --no-config --format json "$@" "$file" >"$json" 2>"$tlog"
  local code=$?
  set -e
  local wall rss findings warnings size
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$tlog")
  rss=$(awk -F': ' '/Maximum resident set size/{printf "%.0f MiB", $2/1024}' "$tlog")
  findings=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["findings"])' "$json" 2>/dev/null || echo "?")
  warnings=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get("warnings", d.get("notices", []))))' "$json" 2>/dev/null || echo "?")
  size=$(du -h --apparent-size "$file" | cut -f1)
  echo "| $name | $size | ${*:-–} | $code | $wall | $rss | $findings | $warnings |" >>"$OUT"
  echo "$name: exit $code, $wall, $rss, findings $findings" >&2
  rm -f "$tlog" "$json"
}

run "2 GiB single line (default limit)" "$DATA/big-line.txt"
run "2 GiB single line" "$DATA/big-line.txt" --max-file-size 3G
run "AKIA x 10^7, one line" "$DATA/akia-line.txt"
run "AKIA x 10^7, one per line" "$DATA/akia-lines.txt"
run "10,000-deep flow maps" "$DATA/deep-flow-map.yaml"
run "10,000-deep flow sequences" "$DATA/deep-flow-seq.yaml"
run "10,000-deep block sequences" "$DATA/deep-block-seq.yaml"
run "10,000-deep block maps (48 MB)" "$DATA/deep-block-map.yaml"
run "billion laughs (ConfigMap)" "$DATA/billion-laughs.yaml"
run "alias bomb in a Secret" "$DATA/secret-bomb.yaml"

{
  echo
  echo "Expected findings in the 2 GiB file: $(cat "$DATA/big-line.txt.expect") (an AWS key id and a GitHub token at each"
  echo "of: the start, across the first 16 MiB chunk edge, the middle, the end)."
} >>"$OUT"

if [ -z "${KEEP_DATA:-}" ]; then
  rm -f "$DATA/big-line.txt" "$DATA/big-line.txt.expect"
fi
echo "wrote $OUT" >&2
