#!/usr/bin/env bash
# with-keyring.sh CMD [ARG...]
#
# Runs CMD inside a private D-Bus session bus with its own unlocked
# gnome-keyring (the Secret Service that go-keyring talks to on Linux) and a
# fresh temporary $HOME, so the command can store and read keys in a real OS
# keyring without touching the user's. Everything is removed afterwards; the
# exit status is CMD's.
#
# Inside CMD:
#   HOME, XDG_{CONFIG,DATA,CACHE,STATE}_HOME, XDG_RUNTIME_DIR  fresh, private
#   DBUS_SESSION_BUS_ADDRESS                                    the private bus
#   RESTMCP_TEST_SECRET_SERVICE=1                               tests that need a
#       real Secret Service run (and fail if it does not work)
#   GOCACHE, GOMODCACHE, GOPATH, GOENV, npm_config_cache        kept pointing at
#       the caller's caches, so builds inside stay fast
#
# It installs nothing. When a tool is missing it exits 127 and names the
# Debian packages: dbus, gnome-keyring, libsecret-tools. `with-keyring.sh true`
# checks that everything needed is there.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]  (runs COMMAND with a private, unlocked gnome-keyring)" >&2
  exit 2
fi

missing=()
command -v dbus-run-session >/dev/null 2>&1 || missing+=("dbus-run-session (package dbus)")
command -v dbus-send >/dev/null 2>&1 || missing+=("dbus-send (package dbus)")
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=("gnome-keyring-daemon (package gnome-keyring)")
command -v secret-tool >/dev/null 2>&1 || missing+=("secret-tool (package libsecret-tools)")
if [ ${#missing[@]} -gt 0 ]; then
  {
    echo "with-keyring.sh: missing: ${missing[*]}"
    echo "install them with: sudo apt-get install -y dbus gnome-keyring libsecret-tools"
  } >&2
  exit 127
fi

# Keep the caller's build caches: a fresh $HOME would otherwise mean a cold
# Go build cache and an empty npm cache.
if command -v go >/dev/null 2>&1; then
  gocache= gomodcache= gopath= goenv=
  { read -r gocache; read -r gomodcache; read -r gopath; read -r goenv; } < <(go env GOCACHE GOMODCACHE GOPATH GOENV 2>/dev/null) || true
  keep() { # NAME VALUE: export NAME=VALUE unless NAME is set or VALUE empty
    if [ -z "${!1:-}" ] && [ -n "$2" ]; then export "$1=$2"; fi
  }
  keep GOCACHE "$gocache"; keep GOMODCACHE "$gomodcache"; keep GOPATH "$gopath"; keep GOENV "$goenv"
fi
export npm_config_cache="${npm_config_cache:-${HOME:-/nonexistent}/.npm}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/with-keyring.XXXXXX")
cleanup() { rm -rf "$tmp" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export HOME="$tmp/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" \
  XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state" \
  XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$tmp" "$HOME" "$XDG_RUNTIME_DIR"
unset GNOME_KEYRING_CONTROL SSH_AUTH_SOCK DBUS_SESSION_BUS_ADDRESS
export RESTMCP_TEST_SECRET_SERVICE=1

# The bus daemon and the keyring daemon write their chatter (for example
# dbus-daemon's "Failed to set fd limit" as root) to a log, not to CMD's
# stderr; the log is shown only when the keyring cannot be started.
log="$tmp/daemons.log"
export WITH_KEYRING_LOG="$log" WITH_KEYRING_STARTED="$tmp/started"

# shellcheck disable=SC2016 # expanded by the inner shell
inner='
exec 2>&3 3>&-
: >"$WITH_KEYRING_STARTED"
# Unlocking with a password creates and unlocks the "login" collection, which
# is the default collection go-keyring and secret-tool write to.
if ! printf "restmcp-test\n" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>>"$WITH_KEYRING_LOG"; then
  echo "with-keyring.sh: gnome-keyring-daemon did not start:" >&2; cat "$WITH_KEYRING_LOG" >&2; exit 125
fi
# Wait until the Secret Service owns its bus name, so no request can
# D-Bus-activate a second, locked daemon.
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
  i=$((i + 1))
  if [ "$i" -ge 100 ]; then
    echo "with-keyring.sh: the Secret Service did not appear on the session bus within 5 s:" >&2
    cat "$WITH_KEYRING_LOG" >&2; exit 125
  fi
  sleep 0.05
done
unset WITH_KEYRING_LOG WITH_KEYRING_STARTED
exec "$@"
'
set +e
dbus-run-session -- sh -c "$inner" with-keyring "$@" 3>&2 2>>"$log"
rc=$?
set -e
if [ ! -e "$tmp/started" ]; then
  echo "with-keyring.sh: dbus-run-session failed (exit $rc):" >&2
  cat "$log" >&2
fi
exit $rc
