#!/usr/bin/env bash
# Benchmark `credlint cluster` against a 5,000-pod, ~20,000-object fixture
# cluster served over loopback HTTPS by the in-process fixture server
# (scanner/credlint-cluster/examples/fixture_server.rs).
#
# Prints: objects served, wall time, user+sys CPU, peak RSS of credlint, and
# the number of API requests it sent (counted by the server), for RUNS runs.
#
# Usage: bench/cluster_bench.sh [RUNS]   (env: CARGO_TARGET_DIR, PAGE_SIZE, CONCURRENCY)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
PAGE_SIZE="${PAGE_SIZE:-500}"
CONCURRENCY="${CONCURRENCY:-4}"
TARGET="${CARGO_TARGET_DIR:-target}"

cargo build --release -q -p credlint
cargo build --release -q -p credlint-cluster --features test-server --example fixture_server

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$TARGET/release/examples/fixture_server" bench "$WORK" 2> "$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$WORK/url" ] && [ -s "$WORK/requests" ] && break; sleep 0.1; done
head -1 "$WORK/server.log"

printf '%-4s %10s %10s %12s %10s %10s %9s\n' run wall_s cpu_s peak_rss_MB requests findings objects
for run in $(seq "$RUNS"); do
  before=$(cat "$WORK/requests")
  set +e
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" \
    "$TARGET/release/credlint" cluster --kubeconfig "$WORK/kubeconfig" -f json -o "$WORK/report.json" \
      --page-size "$PAGE_SIZE" --concurrency "$CONCURRENCY"
  code=$?
  set -e
  [ "$code" -le 1 ] || { echo "credlint cluster failed with exit $code"; exit 1; }
  sleep 0.3
  after=$(cat "$WORK/requests")
  read -r wall user sys rss < <(tail -1 "$WORK/time")
  findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$WORK/report.json")
  objects=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["cluster"]["stats"]; print(sum(s["listed"].values()))' "$WORK/report.json")
  printf '%-4s %10s %10.2f %12.1f %10s %10s %9s\n' "$run" "$wall" "$(awk -v a="$user" -v b="$sys" 'BEGIN{print a+b}')" "$(awk -v r="$rss" 'BEGIN{print r/1024}')" "$((after - before))" "$findings" "$objects"
done
