#!/usr/bin/env bash
# Real code trees for the real-code benchmark (false alarms per 100 MB).
#
#   bench/realcode/real_trees.sh            # print the trees, one "name<TAB>path" a line
#   bench/realcode/real_trees.sh --fetch    # first: pip-download the PyPI source
#                                           # distributions and unpack them
#   bench/realcode/real_trees.sh --big      # also the cargo registry sources (~300 MB)
#   bench/realcode/real_trees.sh --small    # ~17 MB for the slow peers: /etc and the
#                                           # requests, flask, boto3, celery sdists
#
# Trees (only those present are printed):
#   etc          /etc                          system configuration
#   python-stdlib /usr/lib/python3.11          the Python standard library and its tests
#   usr-share-doc /usr/share/doc               Debian package docs (mostly changelogs)
#   pypi         bench/data/realcode/pypi      sdists of django, flask, requests,
#                                              sqlalchemy, boto3, paramiko, celery,
#                                              ansible-core (with their tests)
#   cargo        ~/.cargo/registry/src         (--big) the crates this workspace builds
#
# Everything downloaded goes to bench/data/realcode/ (git-ignored). No finding
# values are stored anywhere: judgments.tsv holds path:line only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="$root/bench/data/realcode"
big=0
small=0
for a in "$@"; do
  case "$a" in
    --fetch)
      mkdir -p "$data/sdist" "$data/pypi"
      pip download --no-deps --no-binary django,flask,requests,sqlalchemy,boto3,paramiko,celery,ansible-core -d "$data/sdist" \
        django==5.2.19 flask==3.1.3 requests==2.34.2 sqlalchemy==2.1.9 boto3==1.44.18 \
        paramiko==5.1.0 celery==5.7.0 ansible-core==2.19.14 >&2
      for t in "$data"/sdist/*.tar.gz; do
        tar -xzf "$t" -C "$data/pypi"
      done
      ;;
    --big) big=1 ;;
    --small) small=1 ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done
emit() { [ -d "$2" ] && printf '%s\t%s\n' "$1" "$2"; return 0; }
if [ "$small" = 1 ]; then
  emit etc /etc
  for p in requests flask boto3 celery; do
    for d in "$data"/pypi/"$p"-*; do emit "pypi-$p" "$d"; done
  done
  exit 0
fi
emit etc /etc
emit python-stdlib /usr/lib/python3.11
emit usr-share-doc /usr/share/doc
emit pypi "$data/pypi"
if [ "$big" = 1 ]; then
  emit cargo "$HOME/.cargo/registry/src"
fi
