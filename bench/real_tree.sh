#!/usr/bin/env bash
# Speed on real source code rather than generated text: credlint vs
# Kingfisher vs ripgrep (a handful of literals) on an existing tree, by
# default this machine's cargo registry sources (~25,000 files of real Rust,
# C, docs and test data that every Rust machine has).
#
#   bench/real_tree.sh [DIR]          # REPS=5 by default
#
# The generated shapes of bench/bench.sh are keyword-dense on purpose (a
# `password`/`secret`/`token` every ~400 bytes); real code has far fewer
# keyword hits, so the keyword pass, not the rule regexes, sets the pace.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dir="${1:-$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ 2>/dev/null | head -1)}"
[[ -d "$dir" ]] || { echo "usage: $0 DIR (no cargo registry sources found)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (bench/bench.sh --install)" >&2; exit 2; }
if [[ -z "${CREDLINT:-}" ]]; then
  (cd "$root" && cargo build --release -p credlint -q)
  CREDLINT="${CARGO_TARGET_DIR:-$root/target}/release/credlint"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "tree: $dir ($(find "$dir" -type f | wc -l) files, $(du -sm "$dir" | cut -f1) MB on disk)"
cmds=("$CREDLINT scan $dir --no-config --no-ignore -q --max-file-size 2G -j 2 -f json -o $out/c.json")
command -v kingfisher >/dev/null && cmds+=("kingfisher scan $dir --no-validate --no-update-check --git-history none -j 2 --max-file-size 2048 -f json -o $out/k.json")
cmds+=("rg -uu -j 2 -c -F -e AKIA -e ghp_ -e xoxb- -e sk_live -e 'PRIVATE KEY' $dir")
# -i: every tool exits non-zero when it finds something.
hyperfine -N -i --warmup 1 --runs "${REPS:-5}" --export-markdown "$out/t.md" "${cmds[@]}" | grep -E "Time|±|faster|Benchmark"
cat "$out/t.md"
