#!/usr/bin/env bash
# The pre-commit hook as a developer feels it: wall time of `git commit` on
# an ordinary commit (3 files modified, 1 added) in a FILES-file repository
# (default 50,000), with the credlint hook installed through pre-commit,
# against the same kind of commit with `--no-verify` (git alone). Also times
# the hook's binary alone on the same files, to split pre-commit's own
# overhead from credlint's.
#
#   bench/precommit_bench.sh            # 50,000 files, REPS=10 commits each way
#   bench/precommit_bench.sh 5000       # a smaller repository
#
# Needs git, cargo and `pre-commit` (pip install pre-commit). The hook
# repository is a reproducible commit of this work tree (the recipe of
# tests/precommit.rs, and the same pre-commit cache and
# target dir under $CARGO_TARGET_DIR/tmp/precommit): after that test ran,
# nothing is rebuilt; otherwise the one-time install (a release build) is
# timed and reported apart. Env: REPS (default 10), WORK (default
# bench/data/precommit), RESULTS (a Markdown file to append the table to),
# HOOK_REPO (use this clone of credlint, at its HEAD, instead of a copy of
# the work tree).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
files=${1:-50000}
reps=${REPS:-10}
work=${WORK:-$root/bench/data/precommit}
target=${CARGO_TARGET_DIR:-$root/target}
cache="$target/tmp/precommit"

command -v pre-commit >/dev/null || { echo "pre-commit is not on PATH (pip install pre-commit)" >&2; exit 2; }

export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
export GIT_AUTHOR_NAME="credlint test" GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME="credlint test" GIT_COMMITTER_EMAIL=test@example.invalid
export GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z
export PRE_COMMIT_HOME="$cache/pre-commit" CARGO_TARGET_DIR="$cache/target"
unset CREDLINT_BASELINE CREDLINT_FORMAT

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

# 1. The hook repository: this work tree, committed reproducibly (or
#    HOOK_REPO, an existing clone, at its HEAD).
if [ -n "${HOOK_REPO:-}" ]; then
  hook="$HOOK_REPO"
else
  hook="$cache/hook-repo"
  rm -rf "$hook"; mkdir -p "$hook"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard) |
    while IFS= read -r -d '' f; do
      [ -f "$root/$f" ] || continue
      mkdir -p "$hook/$(dirname "$f")"; cp "$root/$f" "$hook/$f"
    done
  git -C "$hook" init -q -b main
  git -C "$hook" add -A
  git -C "$hook" commit -q --no-verify -m "hook repository"
fi
rev=$(git -C "$hook" rev-parse HEAD)

# 2. The user's repository: FILES files in two levels of folders, one commit.
repo="$work/repo-$files"
rm -rf "$repo"; mkdir -p "$work"; git init -q -b main "$repo"
python3 - "$files" <<'PY' | git -C "$repo" fast-import --quiet
import sys
n = int(sys.argv[1]); w = sys.stdout.buffer.write
for i in range(n):
    data = (f"// file {i}\n" + "".join(f"let v{j} = {i * 31 + j};\n" for j in range(20))).encode()
    w(b"blob\nmark :%d\ndata %d\n" % (i + 1, len(data))); w(data); w(b"\n")
w(b"commit refs/heads/main\nauthor b <b@e> 1600000000 +0000\ncommitter b <b@e> 1600000000 +0000\ndata 4\nbig\n")
for i in range(n):
    w(b"M 100644 :%d src/d%03d/e%02d/f%05d.rs\n" % (i + 1, i % 997, (i // 997) % 50, i))
w(b"\n")
PY
git -C "$repo" reset -q --hard main
printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: credlint\n' "$hook" "$rev" > "$repo/.pre-commit-config.yaml"
git -C "$repo" add .pre-commit-config.yaml
git -C "$repo" commit -q --no-verify -m "pre-commit config"
t0=$(now)
(cd "$repo" && pre-commit install -f --install-hooks >/dev/null)
install_ms=$(ms "$t0" "$(now)")
bin=$(ls -d "$PRE_COMMIT_HOME"/repo*/rustenv-*/bin/credlint 2>/dev/null | while read -r b; do
  if [ "$(git -C "$(dirname "$(dirname "$(dirname "$b")")")" rev-parse HEAD 2>/dev/null)" = "$rev" ]; then echo "$b"; fi
done | head -1 || true)

# 3. Ordinary commits: 3 files modified, 1 added; hook and --no-verify interleaved.
change() {
  local k=$1
  for d in 001 500 996; do
    f=$(cd "$repo" && ls "src/d$d/e00" | head -1)
    echo "// edit $k" >> "$repo/src/d$d/e00/$f"
  done
  mkdir -p "$repo/src/d002/new"
  echo "fn new_$k() {}" > "$repo/src/d002/new/new_$k.rs"
  git -C "$repo" add -A
}
hook_ms=() plain_ms=() bin_ms=()
for i in $(seq 1 "$reps"); do
  change "h$i"
  if [ -n "$bin" ]; then
    t0=$(now); (cd "$repo" && "$bin" staged -q >/dev/null); bin_ms+=("$(ms "$t0" "$(now)")")
  fi
  t0=$(now); git -C "$repo" commit -q -m "ordinary change $i" >/dev/null; hook_ms+=("$(ms "$t0" "$(now)")")
  change "p$i"
  t0=$(now); git -C "$repo" commit -q --no-verify -m "plain change $i"; plain_ms+=("$(ms "$t0" "$(now)")")
done

hook_med=$(printf '%s\n' "${hook_ms[@]}" | median)
plain_med=$(printf '%s\n' "${plain_ms[@]}" | median)
bin_med=$( [ ${#bin_ms[@]} -gt 0 ] && printf '%s\n' "${bin_ms[@]}" | median || echo "n/a")
table=$(cat <<EOF
## pre-commit hook, $(date -u +%Y-%m-%d), $(nproc) cores, $files files, $reps commits each (medians)

| what | wall time |
|---|---|
| \`git commit\` with the credlint hook (what the developer waits for) | ${hook_med} ms |
| \`git commit --no-verify\` (git alone) | ${plain_med} ms |
| the hook's cost (difference) | $((hook_med - plain_med)) ms |
| the hook's binary alone on the same commit (\`credlint staged\`) | ${bin_med} ms |
| one-time \`pre-commit install --install-hooks\` (0 when cached) | ${install_ms} ms |

Hook entry: $(grep -E '^  entry:' "$root/.pre-commit-hooks.yaml" | sed 's/^  entry: //')
EOF
)
echo "$table"
if [ -n "${RESULTS:-}" ]; then printf '%s\n\n' "$table" >> "$RESULTS"; fi
