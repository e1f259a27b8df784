#!/usr/bin/env bash
# History-scan benchmark, side by side on one repository, on this machine:
#   `credlint git` (scanner/credlint-git through the CLI) vs Kingfisher's git
#   mode (pip install kingfisher-bin) vs `git log -p --all | credlint scan -`.
#
# Usage: bench/git_bench.sh [REPO...]
#   no REPO: generates bench/data/history (>= 20,000 commits, >= 1 GB of blob
#   content, deterministic and offline: bench/gen_history.py | git fast-import,
#   then `repack -ad`, which keeps fast-import's deltas) and a gc'd copy,
#   bench/data/history-repacked (`clone --mirror` + `repack -adf`: deltas
#   recomputed, as a real repository's gc leaves them), runs both, and checks
#   recall against the planted tokens.
# Env: THREADS (default: nproc), SKIP_GITLOG=1 to skip the git-log run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
threads=${THREADS:-$(nproc)}
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}

repos=("$@")
planted=""
if [ ${#repos[@]} -eq 0 ]; then
  repo=$here/data/history
  planted=$here/data/history.planted
  if [ ! -f "$repo/.complete" ]; then
    rm -rf "$repo" "$repo-repacked"; mkdir -p "$here/data"
    git init -q --bare -b main "$repo"
    echo "generating $repo ..." >&2
    python3 "$here/gen_history.py" --commits 20000 --files 2000 --file-kb 18 --planted "$planted" \
      | git -C "$repo" fast-import --done --quiet
    echo "repacking (reusing fast-import's deltas) ..." >&2
    git -C "$repo" repack -adq --window=10 --depth=50
    touch "$repo/.complete"
  fi
  if [ ! -f "$repo-repacked/.complete" ]; then
    rm -rf "$repo-repacked"
    echo "gc'd copy: clone --mirror + repack -adf ..." >&2
    git clone -q --mirror "$repo" "$repo-repacked"
    git -C "$repo-repacked" repack -adfq
    touch "$repo-repacked/.complete"
  fi
  repos=("$repo" "$repo-repacked")
fi

(cd "$root" && cargo build -q --release -p credlint)
credlint=$CARGO_TARGET_DIR/release/credlint
command -v kingfisher >/dev/null || { echo "kingfisher not found: pip install kingfisher-bin" >&2; exit 2; }

t() { # name, command...: wall seconds, CPU seconds and peak RSS via /usr/bin/time
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err" || true
  read -r secs user sys rss < <(tail -1 "$out/$name.time")
  printf '%-10s %8.2fs wall  %7.2fs CPU  %6d MB peak RSS   (load %s)\n' \
    "$name" "$secs" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$secs" >"$out/$name.secs"
}

for repo in "${repos[@]}"; do
  out=$(mktemp -d)
  echo "== repository: $repo"
  echo "commits: $(git -C "$repo" rev-list --all | wc -l)  pack: $(git -C "$repo" count-objects -vH | sed -n 's/size-pack: //p')  threads: $threads"
  t credlint "$credlint" git "$repo" -j "$threads" --no-config --reveal -f json -o "$out/credlint.json"
  t kingfisher kingfisher scan "$repo" --git-history full --no-validate --no-update-check -j "$threads" -f json -o "$out/kingfisher.json"
  if [ "${SKIP_GITLOG:-0}" != 1 ]; then
    t gitlog bash -c "git -C '$repo' log -p --all --no-color --no-ext-diff --no-textconv | '$credlint' scan - --no-config --reveal -f json -o '$out/gitlog.json'"
  fi
  c=$(cat "$out/credlint.secs")
  for peer in kingfisher gitlog; do
    [ -f "$out/$peer.secs" ] || continue
    awk -v p="$(cat "$out/$peer.secs")" -v c="$c" -v n="$peer" 'BEGIN { printf "credlint is %.1fx faster than %s\n", p / c, n }'
  done
  if [ -n "$planted" ] && [ -f "$planted" ]; then
    total=$(wc -l <"$planted")
    for tool in credlint kingfisher gitlog; do
      [ -f "$out/$tool.json" ] || continue
      n=$(grep -o -F -f "$planted" "$out/$tool.json" | sort -u | wc -l)
      echo "recall $tool: $n/$total planted tokens"
    done
  fi
  echo "raw outputs: $out"
done
