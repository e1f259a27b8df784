#!/usr/bin/env bash
# A repository with FILES (default 50,000) files in 2-level directories, one
# commit, checked out, then an ordinary change staged: 3 files modified (one
# with a GitHub-format token) and 1 added. For `credlint staged` timing.
# Usage: bench/gen_staged_repo.sh OUT_DIR [FILES]
set -euo pipefail
out=${1:?OUT_DIR}; files=${2:-50000}
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
rm -rf "$out"; git init -q -b main "$out"
python3 - "$files" <<'PY' | git -C "$out" fast-import --quiet
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
git -C "$out" reset -q --hard main
tok=$(python3 -c 'import zlib
B="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
b="Zq8Rt2Lm5Np7Vx1Kc4Hd9Wf3Gj6Bs0"; n=zlib.crc32(b.encode()); s=""
while n: s=B[n%62]+s; n//=62
print("ghp_"+b+s.rjust(6,"0"))')
f1=$(cd "$out" && ls src/d001/e00 | head -1); f2=$(cd "$out" && ls src/d500/e00 | head -1)
echo "token = \"$tok\"" >> "$out/src/d001/e00/$f1"
echo "// edit" >> "$out/src/d500/e00/$f2"
echo "// edit" >> "$out/src/d996/e10/$(cd "$out" && ls src/d996/e10 | head -1)"
echo "fn new() {}" > "$out/src/d002/e03/new.rs"
git -C "$out" add -A
git -C "$out" status --short | head
