#!/usr/bin/env bash
# The whole product in one run, on the bundled example API (a Django REST
# Framework task tracker with API keys):
#
#   1. checks what it needs (installs missing Debian packages when run as root
#      on Debian; otherwise says exactly what to install),
#   2. builds restmcp into bin/restmcp,
#   3. starts the example API on a free 127.0.0.1 port,
#   4. logs in: the key goes into the OS keyring (your desktop keyring, or a
#      private throwaway gnome-keyring via scripts/with-keyring.sh on a
#      headless machine), or into RESTMCP_API_KEY when no keyring can be had,
#   5. shows `restmcp tools`, calls a tool through a real MCP client (the
#      official TypeScript SDK, e2e/demo-client.mjs) and with `restmcp call`,
#   6. prints the Cursor and Claude Desktop entries `restmcp install` writes,
#   7. stops everything it started and removes the key it stored.
#
#   scripts/demo.sh            DEMO_KEYRING=desktop|private|env forces a key store
#
# Profiles go to a temporary RESTMCP_CONFIG_DIR: your own are not touched.
# Works without a terminal (CI=true, no stdin).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bold=; dim=; off=
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\e[1m'; dim=$'\e[2m'; off=$'\e[0m'; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$off"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }
show() { printf '%s$ %s%s\n' "$dim" "$*" "$off"; }

python=${EXAMPLE_API_PYTHON:-/usr/bin/python3}

# --- 1. prerequisites ------------------------------------------------------
# Inside the private keyring (second pass) everything was checked already.
if [ -z "${DEMO_INSIDE_KEYRING:-}" ]; then
  step "Checking prerequisites"
  missing_pkgs=()
  "$python" -c 'import django, rest_framework, rest_framework_api_key, uritemplate, yaml' 2>/dev/null ||
    missing_pkgs+=(python3-django python3-djangorestframework python3-djangorestframework-api-key python3-uritemplate python3-yaml)
  command -v curl >/dev/null || missing_pkgs+=(curl)
  command -v node >/dev/null || missing_pkgs+=(nodejs)
  command -v npm >/dev/null || missing_pkgs+=(npm)
  if [ "$(uname -s)" = Linux ]; then
    # Optional: a private keyring for machines without a desktop session.
    command -v dbus-run-session >/dev/null || missing_pkgs+=(dbus)
    command -v gnome-keyring-daemon >/dev/null || missing_pkgs+=(gnome-keyring)
    command -v secret-tool >/dev/null || missing_pkgs+=(libsecret-tools)
  fi
  if [ ${#missing_pkgs[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
      note "installing: ${missing_pkgs[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
    else
      {
        echo "demo: missing Debian/Ubuntu packages: ${missing_pkgs[*]}"
        echo "install them with:"
        echo "  sudo apt-get install -y ${missing_pkgs[*]}"
        echo "(or run this script as root on Debian and it installs them itself)"
      } >&2
      exit 1
    fi
  fi
  command -v go >/dev/null || die "Go is not installed: get Go 1.26 or newer from https://go.dev/dl/ and put it on PATH"
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$node_major" -ge 18 ] || die "Node $node_major is too old for the MCP client: install Node 18 or newer"
  note "go $(go env GOVERSION), node $(node --version), $("$python" -c 'import django, rest_framework; print("Django", django.get_version(), "+ DRF", rest_framework.VERSION)')"

  if [ ! -d e2e/node_modules/@modelcontextprotocol/sdk ]; then
    step "Installing the MCP client for the demo (npm ci in e2e/)"
    (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
  fi

  # Where the key goes: the desktop keyring when a Secret Service is running
  # (or macOS/Windows), else a private gnome-keyring, else the env variable.
  store=${DEMO_KEYRING:-}
  if [ -z "$store" ]; then
    case "$(uname -s)" in
      Darwin|MINGW*|MSYS*|CYGWIN*) store=desktop ;;
      *)
        if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-send >/dev/null &&
          dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
          store=desktop
        elif scripts/with-keyring.sh true 2>/dev/null; then
          store=private
        else
          store=env
        fi ;;
    esac
  fi
  case $store in
    desktop|env) ;;
    private)
      note "no desktop keyring here: running the demo inside a private, throwaway gnome-keyring (scripts/with-keyring.sh)"
      DEMO_INSIDE_KEYRING=1 DEMO_KEYRING=private exec scripts/with-keyring.sh "$0" "$@" ;;
    *) die "DEMO_KEYRING must be desktop, private or env, not '$store'" ;;
  esac
else
  store=private
fi

# --- 2. build --------------------------------------------------------------
step "Building restmcp"
mkdir -p bin
show "go build -o bin/restmcp ./cmd/restmcp"
go build -o bin/restmcp ./cmd/restmcp
restmcp="$root/bin/restmcp"
"$restmcp" version | sed "s/^/    /"

# --- 3. the example API ----------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/restmcp-demo.XXXXXX")
api_pid=
logged_in=
cleanup() {
  rc=$?
  if [ -n "$logged_in" ]; then "$restmcp" logout --profile demo >/dev/null 2>&1 || true; fi
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
  if [ "$rc" = 0 ]; then printf '\n%sdemo: done; the API is stopped and the demo key removed.%s\n' "$bold" "$off"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export RESTMCP_CONFIG_DIR="$tmp/config"
unset RESTMCP_API_KEY

step "Starting the example API (Django REST Framework, examples/django-drf)"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
api="http://127.0.0.1:$port"
show "examples/django-drf/run.sh --port $port --key-file $tmp/api-key --db $tmp/api.sqlite3"
examples/django-drf/run.sh --port "$port" --key-file "$tmp/api-key" --db "$tmp/api.sqlite3" >"$tmp/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 150); do
  kill -0 "$api_pid" 2>/dev/null || { cat "$tmp/api.log" >&2; die "the example API exited"; }
  curl -fsS -o /dev/null "$api/healthz" 2>/dev/null && break
  sleep 0.2
done
curl -fsS -o /dev/null "$api/healthz" || { cat "$tmp/api.log" >&2; die "the example API did not start within 30 s"; }
note "up on $api; its OpenAPI description is $api/api/schema/ (it needs the key too)"
note "a new API key is in $tmp/api-key (mode 0600); it is never printed"

# --- 4. login --------------------------------------------------------------
step "Logging in"
login=("$restmcp" login --profile demo --spec "$api/api/schema/" --base-url "$api" --auth-scheme Api-Key --with-key)
case $store in
  desktop|private)
    if [ $store = desktop ]; then where="your OS keyring"; else where="a private gnome-keyring (D-Bus Secret Service)"; fi
    show "restmcp login --profile demo --spec $api/api/schema/ --base-url $api --auth-scheme Api-Key --with-key < api-key"
    if "${login[@]}" <"$tmp/api-key"; then
      logged_in=1
      note "the key is in $where, not in any file"
      if command -v secret-tool >/dev/null && [ "$(uname -s)" = Linux ]; then
        secret-tool lookup service restmcp username demo >/dev/null && note "secret-tool finds it there: secret-tool lookup service restmcp username demo"
      fi
    else
      note "login failed; using RESTMCP_API_KEY instead"
      store=env
    fi ;;
esac
if [ $store = env ]; then
  note "no OS keyring available: the key is taken from the RESTMCP_API_KEY environment variable"
  RESTMCP_API_KEY=$(cat "$tmp/api-key")
  export RESTMCP_API_KEY
  note "(no login: the commands below take the profile flags themselves)"
  profile=(--profile demo --spec "$api/api/schema/" --base-url "$api" --auth-scheme Api-Key)
else
  profile=(--profile demo)
  show "restmcp status --profile demo"
  "$restmcp" status --profile demo || note "(restmcp status exited with $?)"
fi

# --- 5. tools and calls ----------------------------------------------------
step "What the model sees"
show "restmcp tools ${profile[*]} --tokens"
"$restmcp" tools "${profile[@]}" --tokens

step "A tool call through an MCP client (the official TypeScript SDK over stdio)"
show "node e2e/demo-client.mjs --call list_tasks --args '{\"search\":\"onboarding\"}' -- restmcp serve ${profile[*]}"
node e2e/demo-client.mjs --call list_tasks --args '{"search":"onboarding"}' -- "$restmcp" serve "${profile[@]}"

step "The same code path from a terminal"
show "restmcp call partial_update_task ${profile[*]} --arg id=2 --arg status=done"
"$restmcp" call partial_update_task "${profile[@]}" --arg id=2 --arg status=done

# --- 6. editor entries -----------------------------------------------------
step "What 'restmcp install' writes (printed, nothing written)"
for client in cursor claude-desktop; do
  show "restmcp install $client --profile demo --print"
  "$restmcp" install "$client" --profile demo --print || note "(restmcp install $client is not available in this build)"
done
note "no key in these entries: restmcp serve reads it from the keyring when the editor starts it"
