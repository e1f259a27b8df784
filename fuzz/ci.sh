#!/usr/bin/env bash
# Run every fuzz target briefly, so the targets keep building and the seeds
# (and anything a short run finds) keep passing. Full runs are 10 minutes
# per target; see README.md.
#
# usage: fuzz/ci.sh [seconds per target, default 25]
#   FUZZ_CLUSTER=1  also build and run `helm_release` (pulls in
#                   credlint-cluster: kube, TLS; a long instrumented build)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). libFuzzer needs nightly
# compiler flags (-Zsanitizer, sancov passes); on a stable toolchain
# RUSTC_BOOTSTRAP=1 unlocks them. Exit status: non-zero when a target fails
# to build or finds a crash (the input is written to fuzz/artifacts/).
set -euo pipefail
cd "$(dirname "$0")"
SECS=${1:-25}
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz/ci.sh: cargo-fuzz is not installed (cargo install cargo-fuzz)" >&2
  exit 2
fi
targets=(k8s_check_file rule_loader decoders report_writers scan_unit archive_reader image_reader)
features=()
if [ -n "${FUZZ_CLUSTER:-}" ]; then
  targets+=(helm_release)
  features=(--features cluster)
fi
cargo fuzz build -O "${features[@]}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  echo "== fuzz $t (${SECS}s)" >&2
  # New corpus entries go to a scratch dir; the committed seeds are read only.
  cargo fuzz run -O "${features[@]}" "$t" "$work/$t" "corpus/$t" -- \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>"$work/$t.log" || {
    grep -E "panicked|ERROR|SUMMARY|Test unit written" "$work/$t.log" >&2 || tail -n 40 "$work/$t.log" >&2
    echo "fuzz/ci.sh: $t failed" >&2
    exit 1
  }
  grep -E "stat::(number_of_executed_units|average_exec_per_sec)" "$work/$t.log" | sed "s/^/  $t /" >&2
done
echo "fuzz/ci.sh: all targets ran clean" >&2
