#!/usr/bin/env bash
# Build a git repository of real source text, offline: every crate in the
# local cargo registry cache becomes a commit under vendor/<name>/, oldest
# version first, so later versions of a crate are real edits of the earlier
# ones. Used for the gix-vs-git2 measurement in bench/GIT.md.
# Usage: bench/gen_vendor_repo.sh OUT_DIR
set -euo pipefail
out=${1:?OUT_DIR}
src=$(ls -d "$HOME"/.cargo/registry/src/*/ | head -1)
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
rm -rf "$out"; git init -q -b main "$out"
n=0
for d in $(ls "$src" | sort -V); do
  name=${d%-[0-9]*}
  rm -rf "$out/vendor/$name"; mkdir -p "$out/vendor/$name"
  cp -r "$src/$d/." "$out/vendor/$name/"
  n=$((n+1))
  export GIT_AUTHOR_DATE="@$((1600000000 + n * 3600)) +0000" GIT_COMMITTER_DATE="@$((1600000000 + n * 3600)) +0000"
  git -C "$out" add -A -f . && git -C "$out" commit -q -m "vendor $d" || true
done
git -C "$out" repack -adfq
