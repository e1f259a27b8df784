#!/usr/bin/env bash
# Side-by-side speed benchmark: credlint vs Kingfisher, ripsecrets,
# detect-secrets, and ripgrep (a handful of literals: the practical ceiling).
#
#   bench/bench.sh                      # full size: 512 MB tree, 1 GB file, 200,000 tiny files; 3 runs each
#   bench/bench.sh --small              # 40 MB / 40 MB / 5,000 files, to try the script
#   bench/bench.sh --install            # first install missing peers (pip, apt, cargo), then run
#
# Env: BENCH_DATA (default bench/data/speed; generated once, reused while the
# sizes match), REPS (default 3), SHAPES (default "tree big tiny"),
# TOOLS (default "credlint kingfisher ripsecrets detect-secrets rg"),
# TIMEOUT (seconds per run, default 900), CREDLINT (binary; default: built
# here with `cargo build --release -p credlint`), RESULTS (the Markdown
# written, default bench/results/YYYY-MM-DD.md).
#
# Every tool gets 2 threads where it has the option (this is a 2-core
# machine), no network, no file-size limit below 2 GB, and writes its report
# to a file. Wall time and peak RSS come from /usr/bin/time -v; the median of
# REPS runs is reported, runs interleaved across tools so that background
# load hits all of them alike. Generation time is not measured.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

small=0 install=0
for a in "$@"; do
  case "$a" in
    --small) small=1 ;;
    --install) install=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done

if [[ $small == 1 ]]; then TREE_MB=40 BIG_MB=40 TINY=5000; else TREE_MB=512 BIG_MB=1024 TINY=200000; fi
DATA="${BENCH_DATA:-$here/data/speed}"
[[ $small == 1 && -z "${BENCH_DATA:-}" ]] && DATA="$here/data/speed-small"
REPS="${REPS:-3}"
SHAPES="${SHAPES:-tree big tiny}"
TOOLS="${TOOLS:-credlint kingfisher ripsecrets detect-secrets rg}"
TIMEOUT="${TIMEOUT:-900}"
# peers that run at ~1 MB/s or less are measured once, capped at SLOW_TIMEOUT
# seconds; a capped run is reported as a lower bound on credlint's ratio
SLOW_TOOLS="${SLOW_TOOLS:-ripsecrets detect-secrets}"
SLOW_TIMEOUT="${SLOW_TIMEOUT:-240}"
RESULTS="${RESULTS:-$here/results/$(date +%F)$([[ $small == 1 ]] && echo -small || true).md}"
RAW="$DATA/raw"

if [[ $install == 1 ]]; then
  command -v kingfisher >/dev/null || pip install kingfisher-bin
  command -v detect-secrets >/dev/null || pip install detect-secrets
  if ! command -v rg >/dev/null || [[ ! -x /usr/bin/time ]] || ! command -v hyperfine >/dev/null; then
    apt-get update -qq && apt-get install -y -qq ripgrep time hyperfine
  fi
  command -v ripsecrets >/dev/null || cargo install ripsecrets
fi
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time), or run with --install" >&2; exit 2; }

if [[ -z "${CREDLINT:-}" ]]; then
  (cd "$root" && cargo build --release -p credlint -q)
  CREDLINT="${CARGO_TARGET_DIR:-$root/target}/release/credlint"
fi

# ---------------------------------------------------------------- data
want="$TREE_MB/$BIG_MB/$TINY"
if [[ ! -f "$DATA/.sizes" || "$(cat "$DATA/.sizes")" != "$want" ]]; then
  echo "generating benchmark data in $DATA ($want) ..."
  python3 "$here/gen_speed_data.py" --out "$DATA" --tree-mb "$TREE_MB" --big-mb "$BIG_MB" --tiny "$TINY"
  echo "$want" > "$DATA/.sizes"
fi
mkdir -p "$RAW"
: > "$RAW/runs.tsv"

# ---------------------------------------------------------------- tools
LITERALS=(-e AKIA -e ghp_ -e xoxb- -e sk_live -e 'PRIVATE KEY')
have() { command -v "$1" >/dev/null 2>&1; }
cmdline() { # tool dir out -> prints the command (one arg per line)
  local tool=$1 dir=$2 out=$3
  case $tool in
    credlint) printf '%s\n' "$CREDLINT" scan "$dir" -f json -o "$out" --no-ignore --no-config --max-file-size 2G -j 2 ;;
    kingfisher) printf '%s\n' kingfisher scan "$dir" --no-validate --no-update-check --git-history none -j 2 --max-file-size 2048 -f json -o "$out" ;;
    ripsecrets) printf '%s\n' ripsecrets "$dir" ;;
    detect-secrets) printf '%s\n' detect-secrets scan --all-files "$dir" ;;
    rg) printf '%s\n' rg -uu -j 2 -c -F "${LITERALS[@]}" "$dir" ;;
  esac
}
available() {
  case $1 in
    credlint) [[ -x "$CREDLINT" ]] ;;
    *) have "$1" ;;
  esac
}
version() {
  case $1 in
    credlint) "$CREDLINT" --version 2>/dev/null | head -1 ;;
    kingfisher) kingfisher --version 2>/dev/null | head -1 ;;
    ripsecrets) ripsecrets --version 2>/dev/null | head -1 ;;
    detect-secrets) echo "detect-secrets $(detect-secrets --version 2>/dev/null)" ;;
    rg) rg --version | head -1 ;;
  esac
}
count_findings() { # tool out -> number of findings reported (best effort)
  local tool=$1 out=$2
  python3 - "$tool" "$out" <<'PY' 2>/dev/null || echo "?"
import json, sys
tool, out = sys.argv[1], sys.argv[2]
txt = open(out, errors="replace").read()
if tool == "credlint":
    print(len(json.loads(txt)["findings"]))
elif tool == "kingfisher":
    d = json.loads(txt)
    if isinstance(d, dict):
        for k in ("findings", "matches", "results"):
            if k in d:
                print(len(d[k])); break
        else:
            print("?")
    else:
        print(len(d))
elif tool == "detect-secrets":
    print(sum(len(v) for v in json.loads(txt)["results"].values()))
elif tool == "ripsecrets":
    print(sum(1 for l in txt.splitlines() if l.strip()))
elif tool == "rg":
    print(sum(int(l.rsplit(":", 1)[1]) for l in txt.splitlines() if ":" in l) if txt.strip() else 0)
PY
}

run_one() { # shape tool rep
  local shape=$1 tool=$2 rep=$3 dir="$DATA/$1"
  local out="$RAW/$shape.$tool.$rep.out" tv="$RAW/$shape.$tool.$rep.time"
  mapfile -t cmd < <(cmdline "$tool" "$dir" "$out")
  rm -f "$out"
  local rc=0 limit=$TIMEOUT
  [[ " $SLOW_TOOLS " == *" $tool "* ]] && limit=$SLOW_TIMEOUT
  if [[ $tool == credlint || $tool == kingfisher ]]; then
    timeout "$limit" /usr/bin/time -v -o "$tv" "${cmd[@]}" >/dev/null 2>"$RAW/$shape.$tool.$rep.err" || rc=$?
  else
    timeout "$limit" /usr/bin/time -v -o "$tv" "${cmd[@]}" >"$out" 2>"$RAW/$shape.$tool.$rep.err" || rc=$?
  fi
  local wall rss
  if [[ $rc == 124 ]]; then wall="timeout:$limit" rss="-"; else
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tv")
    rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$tv")
  fi
  local nf; nf=$(count_findings "$tool" "$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$shape" "$tool" "$rep" "$wall" "$rss" "$rc" "$nf" >> "$RAW/runs.tsv"
  printf '  %-6s %-15s run %s: %8ss  %8s KB  rc=%s  findings=%s\n' "$shape" "$tool" "$rep" "$wall" "$rss" "$rc" "$nf"
  [[ $rc == 124 ]] && return 1
  return 0
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB; load: $(uptime)"
tools=()
for t in $TOOLS; do if available "$t"; then tools+=("$t"); else echo "skipping $t: not installed (bench.sh --install)"; fi; done
declare -A slow=()
for shape in $SHAPES; do
  echo "== $shape (warming the page cache)"
  find "$DATA/$shape" -type f -print0 | xargs -0 cat > /dev/null
  for rep in $(seq 1 "$REPS"); do
    for tool in "${tools[@]}"; do
      [[ -n "${slow[$shape.$tool]:-}" ]] && continue
      [[ " $SLOW_TOOLS " == *" $tool "* ]] && slow[$shape.$tool]=1
      t0=$(date +%s)
      run_one "$shape" "$tool" "$rep" || slow[$shape.$tool]=1
      # a peer slower than 5 minutes per run is measured once: noted in the table
      if (( $(date +%s) - t0 > 300 )); then slow[$shape.$tool]=1; fi
    done
  done
done

# ---------------------------------------------------------------- start-up
small_file="$DATA/startup/settings.py"
mkdir -p "$DATA/startup"
python3 - "$small_file" <<'PY'
import sys
open(sys.argv[1], "w").write("import os\n\nDEBUG = False\nDB_HOST = os.environ.get('DB_HOST', 'localhost')\nTIMEOUT = 30\n" * 8)
PY
startup_json="$RAW/startup.json"
rm -f "$startup_json"
if have hyperfine; then
  hf=()
  for tool in "${tools[@]}"; do
    mapfile -t c < <(cmdline "$tool" "$small_file" "$RAW/startup.$tool.out")
    hf+=(-n "$tool" "$(printf '%q ' "${c[@]}")")
  done
  hyperfine -N -i --warmup 3 --runs "${STARTUP_RUNS:-20}" --export-json "$startup_json" "${hf[@]}" >/dev/null 2>&1 \
    || hyperfine -i --warmup 3 --runs "${STARTUP_RUNS:-20}" --export-json "$startup_json" "${hf[@]}" >/dev/null
fi

# ---------------------------------------------------------------- report
versions=""
for t in "${tools[@]}"; do versions+="$t=$(version "$t");"; done
mkdir -p "$(dirname "$RESULTS")"
python3 "$here/bench_report.py" --raw "$RAW/runs.tsv" --manifest "$DATA/manifest.json" --startup "$startup_json" \
  --versions "$versions" --load "$(uptime)" --reps "$REPS" --small "$small" --out "$RESULTS" \
  --command "bench/bench.sh$([[ $small == 1 ]] && echo ' --small' || true)"
echo "wrote $RESULTS"
cat "$RESULTS"
