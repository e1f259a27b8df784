#!/usr/bin/env bash
# Accuracy gate for CI: generate a small fixed-seed corpus into a temp dir,
# scan it with credlint and fail when recall or precision is below 0.95.
#
#   bench/corpus/ci_accuracy.sh [path/to/credlint]
#
# Env: CREDLINT (binary; default: target/release/credlint, else target/debug/credlint,
# else `credlint` on PATH), CORPUS_FILES (default 400), CORPUS_SEED (default 20240601),
# MIN_RECALL / MIN_PRECISION (default 0.95).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

bin="${1:-${CREDLINT:-}}"
if [[ -z "$bin" ]]; then
  for c in "${CARGO_TARGET_DIR:-$root/target}/release/credlint" "${CARGO_TARGET_DIR:-$root/target}/debug/credlint"; do
    if [[ -x "$c" ]]; then bin="$c"; break; fi
  done
fi
bin="${bin:-credlint}"
command -v "$bin" >/dev/null 2>&1 || [[ -x "$bin" ]] || { echo "ci_accuracy: no credlint binary (build it or set CREDLINT)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_corpus.py" --out "$tmp/corpus" --files "${CORPUS_FILES:-400}" --seed "${CORPUS_SEED:-20240601}"
python3 "$here/score.py" "$tmp/corpus" --credlint "$bin" \
  --min-recall "${MIN_RECALL:-0.95}" --min-precision "${MIN_PRECISION:-0.95}" --max-list 40
