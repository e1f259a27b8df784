#!/usr/bin/env bash
# History-scan benchmark, side by side on one repository, on this machine:
#   credlint blob scan (scanner/credlint-git, via its example binary until the
#   CLI `git` subcommand lands) vs Kingfisher's git mode (pip install
#   kingfisher-bin) vs the `git log -p --all | scanner` approach.
#
# Usage: bench/git_bench.sh [REPO]
#   no REPO: generates bench/data/history (>= 20,000 commits, >= 1 GB of blob
#   content, deterministic and offline: bench/gen_history.py | git fast-import,
#   then a normal repack) and checks recall against the planted tokens.
# Env: THREADS (default: nproc), SKIP_GITLOG=1 to skip the git-log run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
threads=${THREADS:-$(nproc)}
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}

repo=${1:-}
planted=""
if [ -z "$repo" ]; then
  repo=$here/data/history
  planted=$here/data/history.planted
  if [ ! -f "$repo/.complete" ]; then
    rm -rf "$repo"; mkdir -p "$here/data"
    git init -q --bare -b main "$repo"
    echo "generating $repo ..." >&2
    python3 "$here/gen_history.py" --commits 20000 --files 2000 --file-kb 18 --planted "$planted" \
      | git -C "$repo" fast-import --done --quiet
    echo "repacking (as gc would) ..." >&2
    git -C "$repo" repack -adq --window=10 --depth=50
    touch "$repo/.complete"
  fi
fi

(cd "$root" && cargo build -q --release -p credlint-git --example scan_history)
credlint=$CARGO_TARGET_DIR/release/examples/scan_history
command -v kingfisher >/dev/null || { echo "kingfisher not found: pip install kingfisher-bin" >&2; exit 2; }

echo "repository: $repo"
echo "commits: $(git -C "$repo" rev-list --all | wc -l)  pack: $(git -C "$repo" count-objects -vH | sed -n 's/size-pack: //p')"
out=$(mktemp -d)
t() { # name, command...: wall seconds and peak RSS via /usr/bin/time
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err" || true
  read -r secs rss < <(tail -1 "$out/$name.time")
  printf '%-10s %8.2fs  %7d MB peak RSS\n' "$name" "$secs" "$((rss / 1024))"
  echo "$secs" >"$out/$name.secs"
}

t credlint "$credlint" history "$repo" --threads "$threads"
t kingfisher kingfisher scan "$repo" --git-history full --no-validate --no-update-check -j "$threads" -f json -o "$out/kingfisher.json"
if [ "${SKIP_GITLOG:-0}" != 1 ]; then
  t gitlog bash -c "git -C '$repo' log -p --all --no-color --no-ext-diff --no-textconv | '$credlint' stdin"
fi

tail -1 "$out/credlint.err"
[ -f "$out/gitlog.err" ] && tail -1 "$out/gitlog.err"
c=$(cat "$out/credlint.secs")
for peer in kingfisher gitlog; do
  [ -f "$out/$peer.secs" ] || continue
  awk -v p="$(cat "$out/$peer.secs")" -v c="$c" -v n="$peer" 'BEGIN { printf "credlint is %.1fx faster than %s\n", p / c, n }'
done
if [ -n "$planted" ] && [ -f "$planted" ]; then
  total=$(wc -l <"$planted")
  cred=$(grep -c . "$out/credlint.out" || true)
  kf=$(grep -o -F -f "$planted" "$out/kingfisher.json" | sort -u | wc -l)
  echo "recall (planted GitHub tokens, $total): credlint $cred findings; kingfisher $kf distinct tokens"
fi
echo "raw outputs: $out"
