#!/bin/sh
# Installs restmcp from its GitHub release:
#
#   curl -fsSL https://raw.githubusercontent.com/restmcp/restmcp/main/scripts/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- --dir /usr/local/bin --version v1.2.0
#
# It picks the archive for this OS and CPU, checks its SHA-256 against the
# release's checksums.txt, and copies the binary into a directory you can
# write to (default ~/.local/bin). No sudo, nothing else is touched.
#
# Options:
#   --dir DIR        where to install (default: ~/.local/bin)
#   --version TAG    a release tag such as v1.2.0 (default: the latest release)
#   --repo OWNER/NAME  the GitHub repository (default: restmcp/restmcp); a
#                    vendor's branded build: --repo acme/acme-mcp --name acme-mcp
#   --name NAME      the binary's name (default: restmcp)
#   --from DIR|URL   take the archives and checksums.txt from this directory
#                    or URL instead of GitHub (also: $RESTMCP_INSTALL_FROM)
set -eu

name=restmcp
repo=restmcp/restmcp
version=latest
dir="${HOME:-}/.local/bin"
from="${RESTMCP_INSTALL_FROM:-}"

usage() {
  cat <<'EOF'
install.sh [--dir DIR] [--version TAG] [--repo OWNER/NAME] [--name NAME] [--from DIR|URL]
Installs the release binary for this OS and CPU into DIR (default ~/.local/bin)
after checking its SHA-256 against the release's checksums.txt.
EOF
}
say() { printf '%s\n' "$*" >&2; }
die() { say "install: $*"; exit 1; }

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value (see --help)"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) need_value "$@"; dir=$2; shift 2 ;;
    --version) need_value "$@"; version=$2; shift 2 ;;
    --repo) need_value "$@"; repo=$2; shift 2 ;;
    --name) need_value "$@"; name=$2; shift 2 ;;
    --from) need_value "$@"; from=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (options: --dir, --version, --repo, --name, --from)" ;;
  esac
done
[ -n "$dir" ] || die "no install directory: HOME is not set; pass --dir DIR"

os=$(uname -s)
case "$os" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW*|MSYS*|CYGWIN*|Windows_NT) os=windows ;;
  *) die "no release archive for this OS ($os): build from source with 'go install github.com/$repo/cmd/restmcp@latest'" ;;
esac
arch=$(uname -m)
case "$arch" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) die "no release archive for this CPU ($arch): build from source with 'go install github.com/$repo/cmd/restmcp@latest'" ;;
esac
# A shell under Rosetta reports x86_64 on Apple silicon: take the native build.
if [ "$os" = darwin ] && [ "$arch" = amd64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
  arch=arm64
fi
ext=tar.gz
exe=$name
if [ "$os" = windows ]; then ext=zip; exe=$name.exe; fi

if [ -n "$from" ]; then
  base=${from%/}
elif [ "$version" = latest ]; then
  base="https://github.com/$repo/releases/latest/download"
else
  base="https://github.com/$repo/releases/download/$version"
fi

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t "$name-install")
trap 'rm -rf "$tmp"' EXIT INT TERM

# fetch NAME: copies $base/NAME into $tmp.
fetch() {
  case "$base" in
    http://*|https://*)
      if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 2 -o "$tmp/$1" "$base/$1" || die "could not download $base/$1"
      elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$tmp/$1" "$base/$1" || die "could not download $base/$1"
      else
        die "neither curl nor wget is installed"
      fi ;;
    *)
      [ -f "$base/$1" ] || die "$base/$1 does not exist"
      cp "$base/$1" "$tmp/$1" ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  else die "no sha256sum, shasum or openssl to check the download with"
  fi
}

fetch checksums.txt
# The archive is NAME_VERSION_OS_ARCH.EXT; checksums.txt names it.
archive=$(awk -v suffix="_${os}_${arch}.${ext}" -v prefix="${name}_" \
  'index($2, prefix) == 1 && substr($2, length($2) - length(suffix) + 1) == suffix { print $2; exit }' \
  "$tmp/checksums.txt")
[ -n "$archive" ] || die "the release has no ${name} archive for ${os}/${arch} (looked in $base/checksums.txt)"
want=$(awk -v f="$archive" '$2 == f { print $1; exit }' "$tmp/checksums.txt")

say "Downloading $archive"
fetch "$archive"
got=$(sha256 "$tmp/$archive")
[ "$got" = "$want" ] || die "checksum mismatch for $archive: got $got, checksums.txt says $want. Nothing was installed."

mkdir -p "$tmp/x"
case "$ext" in
  tar.gz) tar -xzf "$tmp/$archive" -C "$tmp/x" ;;
  zip) command -v unzip >/dev/null 2>&1 || die "unzip is needed to unpack $archive"
       unzip -q "$tmp/$archive" -d "$tmp/x" ;;
esac
[ -f "$tmp/x/$exe" ] || die "$archive holds no $exe"

mkdir -p "$dir" || die "cannot create $dir: pass --dir with a directory you can write to"
[ -w "$dir" ] || die "cannot write to $dir: pass --dir with a directory you can write to"
# Copy next to the target, then rename: a running binary is never half-written.
cp "$tmp/x/$exe" "$dir/.$exe.new"
chmod 755 "$dir/.$exe.new"
mv -f "$dir/.$exe.new" "$dir/$exe"
say "Installed $dir/$exe ($("$dir/$exe" version 2>/dev/null | head -n 1 || echo "version unknown"))"

case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *)
    say ""
    say "$dir is not on your PATH. Add it, e.g. for bash or zsh:"
    say "  echo 'export PATH=\"$dir:\$PATH\"' >> ~/.profile   # then open a new shell"
    ;;
esac
say "Man pages and shell completions are in the archive: $base/$archive"
say "Next: $name login (see $name login --help), then $name install cursor (or claude-desktop, vscode, ...)"
