#!/usr/bin/env bash
# Lint 10,000 generated Kubernetes manifests with credlint's policy checks
# and with checkov's Kubernetes checks, side by side on the same files, and
# write a dated result table (bench/results/k8s-YYYY-MM-DD.md).
#
#   bench/k8s_bench.sh [N]        (default N=10000)
#
# credlint: `credlint scan DIR` once the binary calls credlint_k8s::check_file
# (detected by a policy finding on the data); until then the library's own
# cost is measured with the `k8s_lint` example (single-threaded, every check
# on every file), and the table says which was measured.
# checkov: `checkov -d DIR --framework kubernetes --quiet --compact`
# (installed with `pip install checkov` when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
DATA="bench/data/k8s-manifests-$N"
RESULTS="bench/results"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
mkdir -p "$RESULTS"

if [ ! -d "$DATA" ] || [ "$(find "$DATA" -name '*.yaml' | wc -l)" -ne "$N" ]; then
  rm -rf "$DATA"
  python3 bench/gen_k8s_manifests.py "$DATA" "$N"
fi
BYTES=$(du -sb "$DATA" | cut -f1)

cargo build --release -q -p credlint -p credlint-k8s --example k8s_lint 2>/dev/null \
  || cargo build --release -q -p credlint-k8s --example k8s_lint
BIN="$CARGO_TARGET_DIR/release/credlint"
LINT="$CARGO_TARGET_DIR/release/examples/k8s_lint"

if ! command -v checkov >/dev/null 2>&1; then
  pip install -q checkov
fi

# Wall-clock seconds of a command (best of $RUNS), its output to a file.
RUNS="${RUNS:-3}"
time_best() {
  local out="$1"; shift
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1 dt
    t0=$(date +%s.%N)
    "$@" >"$out" 2>&1 || true
    t1=$(date +%s.%N)
    dt=$(python3 -c "print($t1 - $t0)")
    if [ -z "$best" ] || [ "$(python3 -c "print(int($dt < $best))")" = 1 ]; then best=$dt; fi
  done
  printf '%.3f' "$best"
}

CREDLINT_WHAT="credlint-k8s library (examples/k8s_lint, 1 thread)"
CREDLINT_CMD=("$LINT" "$DATA")
if [ -x "$BIN" ] && "$BIN" scan --format json "$DATA" 2>/dev/null | grep -q '"rbac-secrets-read"'; then
  CREDLINT_WHAT="credlint scan (leak rules + policy checks, all cores)"
  CREDLINT_CMD=("$BIN" scan --format json "$DATA")
fi

T_CRED=$(time_best /tmp/k8s-bench-credlint.out "${CREDLINT_CMD[@]}")
CHECKOV_RUNS=${CHECKOV_RUNS:-1}
T_CHK=$(RUNS=$CHECKOV_RUNS time_best /tmp/k8s-bench-checkov.out \
  checkov -d "$DATA" --framework kubernetes --skip-download --quiet --compact --output json)
RATIO=$(python3 -c "print($T_CHK / $T_CRED)")

DATE=$(date +%F)
OUT="$RESULTS/k8s-$DATE.md"
{
  echo "# Kubernetes policy lint: $N manifests ($((BYTES / 1024)) KiB), $DATE"
  echo
  echo "Machine: $(nproc) cores, $(uname -sr). Best of $RUNS runs (checkov: $CHECKOV_RUNS)."
  echo
  echo "| tool | what ran | seconds | relative |"
  echo "|---|---|---:|---:|"
  echo "| credlint | $CREDLINT_WHAT | $T_CRED | 1.0 |"
  printf '| checkov %s | `-d DIR --framework kubernetes` | %s | %.1f× slower |\n' \
    "$(checkov --version 2>/dev/null | tail -1)" "$T_CHK" "$RATIO"
  echo
  echo "credlint output: $(tail -1 /tmp/k8s-bench-credlint.out | cut -c1-200)"
} | tee "$OUT"
