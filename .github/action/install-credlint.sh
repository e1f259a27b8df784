#!/usr/bin/env bash
# The GitHub Action's installer (action.yml): downloads the release archive
# of credlint VERSION for this runner, verifies its SHA-256 against the
# `.sha256` file published beside it, and puts `credlint` in BIN_DIR.
#
#   install-credlint.sh BIN_DIR VERSION BASE_URL
#
# BASE_URL is the release download folder, e.g.
# https://github.com/OWNER/credlint/releases/download (the archive is
# BASE_URL/vVERSION/credlint-vVERSION-TARGET.tar.gz, or .zip on Windows;
# see .github/workflows/release.yml). TARGET comes from RUNNER_OS and
# RUNNER_ARCH (uname when they are unset). Linux gets the static musl build,
# which runs on any distribution.
#
# Exit codes: 0 installed; 3 nothing to download (no release URL, a runner
# with no release build, or no such release): the caller builds from source;
# 1 the archive was found but is broken or its checksum does not match: never
# fall back silently from that.
set -euo pipefail

bin_dir=$1 version=$2 base=$3

if [ -z "$base" ] || [ -z "$version" ]; then
  echo "credlint: no release to download from (a local action or no version): building from source"
  exit 3
fi

os=${RUNNER_OS:-$(uname -s)}
arch=${RUNNER_ARCH:-$(uname -m)}
case "$os/$arch" in
  Linux/X64 | Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64 | Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  macOS/X64 | Darwin/x86_64) target=x86_64-apple-darwin ;;
  macOS/ARM64 | Darwin/arm64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *)
    echo "credlint: no release build for $os/$arch: building from source"
    exit 3
    ;;
esac

name="credlint-v$version-$target"
case "$target" in
  *windows*) archive="$name.zip" exe=credlint.exe ;;
  *) archive="$name.tar.gz" exe=credlint ;;
esac
url="$base/v$version/$archive"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A missing archive (HTTP 404, or no file) means no release: fall back.
if ! curl -fsSL --retry 3 -o "$work/$archive" "$url"; then
  echo "credlint: $url is not available: building from source"
  exit 3
fi
if ! curl -fsSL --retry 3 -o "$work/$archive.sha256" "$url.sha256"; then
  echo "::error::credlint: $url exists but its checksum $url.sha256 does not"
  exit 1
fi

expected=$(awk '{print $1; exit}' "$work/$archive.sha256")
actual=$({ sha256sum "$work/$archive" 2>/dev/null || shasum -a 256 "$work/$archive"; } | awk '{print $1}')
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  echo "::error::credlint: checksum mismatch for $archive: expected ${expected:-nothing}, got $actual"
  exit 1
fi

case "$archive" in
  *.zip) unzip -q "$work/$archive" -d "$work" ;;
  *) tar -xzf "$work/$archive" -C "$work" ;;
esac
if [ ! -f "$work/$name/$exe" ]; then
  echo "::error::credlint: $archive does not hold $name/$exe"
  exit 1
fi
mkdir -p "$bin_dir"
cp "$work/$name/$exe" "$bin_dir/$exe"
chmod +x "$bin_dir/$exe"
echo "credlint: installed $name (sha256 $actual) in $bin_dir"
