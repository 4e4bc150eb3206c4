#!/usr/bin/env bash
# release-check.sh [--keep]
#
# Builds every release artifact the way a tagged release does, without
# publishing anything, and checks them:
#   - goreleaser check, then goreleaser release --snapshot --clean --skip=publish
#     (goreleaser pinned at v2.16.0, installed with `go install` if missing),
#     in a temporary clone of this checkout (uncommitted changes included)
#     whose git remote is a throwaway one;
#   - six archives (linux, darwin, windows × amd64, arm64), each holding the
#     binary, man pages and shell completions; checksums.txt matches them;
#   - the Homebrew cask names every macOS and Linux archive with its checksum,
#     the man pages, the completions and the quarantine hook;
#   - every binary is static (CGO_ENABLED=0, -trimpath) and at most 20 MB;
#     this platform's binary prints the snapshot version and commit;
#   - scripts/install.sh installs from the local dist/ (as a directory and over
#     loopback HTTP) and refuses an archive whose checksum does not match;
#   - the example vendor config (examples/vendor/.goreleaser.yaml) passes the
#     same checks for its acme-mcp binary.
# --keep leaves the temporary directory (with both dist/ folders) in place.
#
# Time on 2 cores: about 100 s with a warm Go build cache; cold (fresh CI
# machine) about 7 CPU-minutes for the six cross builds plus 5 for installing
# goreleaser, i.e. 8-10 minutes of wall time when the cores are free.
set -euo pipefail

GORELEASER_VERSION=v2.16.0
MAX_BINARY_BYTES=$((20 * 1024 * 1024))
start=$(date +%s)
root=$(cd "$(dirname "$0")/.." && pwd)
keep=0
[ "${1:-}" = --keep ] && keep=1

step() { printf '\n==> %s\n' "$*" >&2; }
fail() { printf 'release-check: FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf '  ok: %s\n' "$*" >&2; }

for tool in git go tar python3 sha256sum curl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

step "goreleaser $GORELEASER_VERSION"
gr=""
for cand in "$(command -v goreleaser || true)" "$(go env GOPATH)/bin/goreleaser"; do
  if [ -n "$cand" ] && [ -x "$cand" ] && "$cand" --version 2>/dev/null | grep -q "${GORELEASER_VERSION#v}"; then
    gr=$cand
    break
  fi
done
if [ -z "$gr" ]; then
  echo "installing goreleaser $GORELEASER_VERSION with go install (a few minutes the first time)" >&2
  go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
  gr="$(go env GOPATH)/bin/goreleaser"
fi
ok "$gr"

work=$(mktemp -d "${TMPDIR:-/tmp}/release-check.XXXXXX")
http_pid=""
cleanup() {
  [ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null || true
  if [ $keep = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

step "temporary clone"
src="$work/src"
git clone -q --no-local "$root" "$src"
# Uncommitted and untracked (not ignored) files too: check what is here.
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$src"
if [ -n "$(git -C "$src" status --porcelain)" ]; then
  git -C "$src" add -A && git -C "$src" -c user.name=release-check -c user.email=release-check@localhost \
    commit -q -m "uncommitted changes under check"
fi
# goreleaser reads the remote; this one is never pushed to.
git -C "$src" remote set-url origin https://github.com/restmcp/restmcp.git
ok "$src ($(git -C "$src" rev-parse --short HEAD))"
cd "$src"

# check_release CONFIG NAME: snapshot release with CONFIG, whose binary is NAME.
check_release() {
  local config=$1 name=$2
  step "goreleaser check ($config)"
  "$gr" check --config "$config" >/dev/null 2>"$work/check.log" || { cat "$work/check.log" >&2; fail "goreleaser check $config"; }
  ok "valid"

  step "goreleaser release --snapshot ($name)"
  local t0=$(date +%s)
  if ! "$gr" release --snapshot --clean --skip=publish,docker --config "$config" >"$work/$name-release.log" 2>&1; then
    tail -40 "$work/$name-release.log" >&2
    fail "goreleaser release --snapshot for $name"
  fi
  ok "built in $(( $(date +%s) - t0 ))s"

  local version commit
  version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' dist/metadata.json)
  commit=$(git rev-parse HEAD)

  step "archives and checksums ($name $version)"
  (cd dist && sha256sum --quiet -c checksums.txt) || fail "checksums.txt does not match the archives"
  local n=0
  for os in linux darwin windows; do
    for arch in amd64 arm64; do
      local ext=tar.gz exe=$name listing
      [ $os = windows ] && ext=zip && exe=$name.exe
      local a="${name}_${version}_${os}_${arch}.${ext}"
      [ -f "dist/$a" ] || fail "missing archive dist/$a"
      grep -q "  $a\$" dist/checksums.txt || fail "$a is not in checksums.txt"
      if [ $ext = zip ]; then
        listing=$(python3 -c 'import sys,zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "dist/$a")
      else
        listing=$(tar -tzf "dist/$a")
      fi
      for f in "$exe" "man/$name.1" "man/$name-serve.1" "completions/$name.bash" "completions/_$name" \
        "completions/$name.fish" "completions/$name.ps1"; do
        grep -qx "$f" <<<"$listing" || fail "$a lacks $f"
      done
      if [ "$name" != restmcp ] && grep -q restmcp <<<"$listing"; then
        fail "$a carries restmcp's files: $(grep restmcp <<<"$listing" | head -3 | tr '\n' ' ')"
      fi
      n=$((n + 1))
    done
  done
  [ "$(grep -c . dist/checksums.txt)" -eq 6 ] || fail "checksums.txt should list exactly 6 archives"
  ok "$n archives, each with $name, man pages and completions; checksums match"

  step "binaries: static, trimmed, ≤ 20 MB"
  printf '  %-28s %10s\n' target bytes >&2
  python3 - "$name" <<'EOF' >"$work/binaries.txt"
import json, sys
for a in json.load(open("dist/artifacts.json")):
    if a["type"] == "Binary":
        print(a["goos"] + "_" + a["goarch"], a["path"])
EOF
  [ "$(wc -l <"$work/binaries.txt")" -eq 6 ] || fail "want 6 binaries in dist/artifacts.json"
  while read -r target path; do
    local size info
    size=$(wc -c <"$path")
    printf '  %-28s %10d (%s MB)\n' "$target" "$size" "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')" >&2
    [ "$size" -le $MAX_BINARY_BYTES ] || fail "$path is $size bytes, over 20 MB"
    info=$(go version -m "$path")
    grep -q "CGO_ENABLED=0" <<<"$info" || fail "$path was built with cgo"
    grep -q -- "-trimpath=true" <<<"$info" || fail "$path was built without -trimpath"
  done <"$work/binaries.txt"
  ok "all within 20 MB"

  step "this platform's binary"
  local host bin out
  host="$(go env GOOS)_$(go env GOARCH)"
  bin=$(awk -v h="$host" '$1 == h { print $2 }' "$work/binaries.txt")
  [ -n "$bin" ] || fail "no binary for $host"
  out=$("$bin" version)
  grep -qx "$name $version" <<<"$(head -n 1 <<<"$out")" || fail "$bin version printed: $out"
  grep -qx "commit: $commit" <<<"$out" || fail "$bin version does not show commit $commit: $out"
  ok "$(tr '\n' ' ' <<<"$out")"
  "$bin" version --json >"$work/$name-version.json"
  python3 - "$work/$name-version.json" "$name" <<'EOF' || fail "$bin version --json"
import json, sys
v = json.load(open(sys.argv[1])); name = sys.argv[2]
assert v["name"] == name and v["keyring_service"] == name, v
assert v["env_prefix"] == name.upper().replace("-", "_").replace(".", "_"), v
EOF
  ok "keyring service $name"

  step "Homebrew cask"
  local cask="dist/homebrew/Casks/$name.rb"
  [ -f "$cask" ] || fail "no cask at $cask"
  for os in darwin linux; do
    for arch in amd64 arm64; do
      local a="${name}_${version}_${os}_${arch}.tar.gz" sum
      sum=$(awk -v f="$a" '$2 == f { print $1 }' dist/checksums.txt)
      grep -q "sha256 \"$sum\"" "$cask" || fail "the cask lacks the checksum of $a"
      grep -q "${name}_#{version}_${os}_${arch}.tar.gz" "$cask" || fail "the cask lacks the URL of $a"
    done
  done
  for want in "version \"$version\"" "binary \"$name\"" "manpage \"man/$name.1\"" \
    "bash_completion \"completions/$name.bash\"" "zsh_completion \"completions/_$name\"" \
    "fish_completion \"completions/$name.fish\"" "com.apple.quarantine" "#{staged_path}/$name"; do
    grep -qF "$want" "$cask" || fail "the cask lacks: $want"
  done
  if command -v ruby >/dev/null; then ruby -c "$cask" >/dev/null || fail "the cask is not valid Ruby"; fi
  ok "$cask"
}

check_install() {
  step "scripts/install.sh"
  local dist="$src/dist" inst="$work/install" version out
  version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$dist/metadata.json")
  # From a directory, with a POSIX sh.
  out=$(RESTMCP_INSTALL_FROM="$dist" PATH="/usr/bin:/bin" sh "$src/scripts/install.sh" --dir "$inst/a" 2>&1) ||
    { echo "$out" >&2; fail "install.sh from a directory"; }
  [ "$("$inst/a/restmcp" version | head -n 1)" = "restmcp $version" ] || fail "installed binary does not run"
  grep -q "is not on your PATH" <<<"$out" || fail "install.sh does not say how to add $inst/a to PATH"
  ok "from $dist into $inst/a"

  # Over HTTP, on loopback only, bounded.
  # A port the system has just given out is free; Python on a busy
  # machine may take seconds to start serving on it.
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  timeout 120 python3 -m http.server --bind 127.0.0.1 --directory "$dist" "$port" >/dev/null 2>&1 &
  http_pid=$!
  for _ in $(seq 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/checksums.txt" 2>/dev/null && break
    kill -0 "$http_pid" 2>/dev/null || fail "the HTTP server for install.sh did not start on port $port"
    sleep 0.1
  done
  out=$(PATH="$inst/b:$PATH" sh "$src/scripts/install.sh" --from "http://127.0.0.1:$port" --dir "$inst/b" 2>&1) ||
    { echo "$out" >&2; fail "install.sh over HTTP"; }
  kill "$http_pid" 2>/dev/null || true
  http_pid=""
  "$inst/b/restmcp" version >/dev/null || fail "binary installed over HTTP does not run"
  grep -q "is not on your PATH" <<<"$out" && fail "install.sh says $inst/b is not on PATH while it is"
  ok "from http://127.0.0.1:$port into $inst/b"

  # A tampered archive is refused and nothing is installed.
  local bad="$work/tampered"
  mkdir -p "$bad"
  cp "$dist"/*.tar.gz "$dist"/*.zip "$dist/checksums.txt" "$bad/"
  local a
  a=$(ls "$bad" | grep "_$(go env GOOS)_$(go env GOARCH)\.")
  printf 'x' >>"$bad/$a"
  if out=$(sh "$src/scripts/install.sh" --from "$bad" --dir "$inst/c" 2>&1); then
    fail "install.sh installed an archive whose checksum does not match"
  fi
  grep -q "checksum mismatch" <<<"$out" || fail "install.sh failed without naming the checksum: $out"
  [ ! -e "$inst/c/restmcp" ] || fail "install.sh left a binary after a checksum mismatch"
  ok "tampered archive refused: $(tail -n 1 <<<"$out")"
}

check_release .goreleaser.yaml restmcp
check_install
check_release examples/vendor/.goreleaser.yaml acme-mcp

printf '\nrelease-check: all checks passed in %ds\n' "$(( $(date +%s) - start ))" >&2
