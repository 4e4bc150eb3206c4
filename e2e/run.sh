#!/usr/bin/env bash
# Runs the end-to-end suite: builds restmcp, starts the example Django REST
# Framework API on a free 127.0.0.1 port, runs the Node tests (the official
# TypeScript MCP SDK driving the built binary over stdio) inside a private,
# unlocked gnome-keyring (scripts/with-keyring.sh), and stops everything.
#
#   e2e/run.sh [TEST_FILE...]     default: every e2e/tests/*.test.mjs
#
# tests/clients.test.mjs runs the MCP clients pinned in package-lock.json
# (Claude Code, Gemini CLI, Codex, MCP Inspector) on what `restmcp install`
# writes, without network where `unshare -rn` works.
#
# Needs Go, Node >= 18 with `npm ci` done in e2e/ (done here when missing or
# older than package-lock.json),
# /usr/bin/python3 with Django REST Framework, and dbus, gnome-keyring,
# libsecret-tools, openssl (see scripts/apt-packages.txt). The output ends with the
# Node test runner's summary; the exit status is non-zero when a test fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/restmcp-e2e.XXXXXX")
api_pid=
cleanup() {
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then
    kill "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf 'e2e: %s\n' "$*" >&2; }

say "building restmcp"
go build -o "$tmp/bin/restmcp" ./cmd/restmcp

if [ ! -d e2e/node_modules/@modelcontextprotocol/sdk ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
  say "installing the TypeScript MCP SDK and the MCP clients (npm ci)"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

python=${EXAMPLE_API_PYTHON:-/usr/bin/python3}
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
say "starting the example API on 127.0.0.1:$port"
examples/django-drf/run.sh --port "$port" --key-file "$tmp/api-key" --db "$tmp/api.sqlite3" >"$tmp/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 150); do
  if ! kill -0 "$api_pid" 2>/dev/null; then
    say "the example API exited:"; cat "$tmp/api.log" >&2; exit 1
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then ready=1; break; fi
  sleep 0.2
done
if [ -z "${ready:-}" ]; then say "the example API did not answer within 30 s:"; cat "$tmp/api.log" >&2; exit 1; fi

export RESTMCP_BIN="$tmp/bin/restmcp"
export E2E_API_URL="http://127.0.0.1:$port"
export E2E_API_KEY_FILE="$tmp/api-key"
export E2E_API_LOG="$tmp/api.log"
export E2E_SPEC="$root/examples/django-drf/openapi.yaml"
# ../shared/specs beside the repository (in a git worktree: beside the main
# checkout); the spec suite skips when there is none.
shared="$root/../shared/specs"
if [ ! -d "$shared" ]; then
  common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  [ -n "$common" ] && [ -d "$common/../../shared/specs" ] && shared="$common/../../shared/specs"
fi
export E2E_SHARED_SPECS="${RESTMCP_SHARED_SPECS:-$shared}"
export E2E_TMP="$tmp/scratch"
export E2E_REPORT_DIR="${E2E_REPORT_DIR:-$root/e2e/.tmp}"
mkdir -p "$E2E_TMP" "$E2E_REPORT_DIR"
rm -f "$E2E_REPORT_DIR/spec-tools.json"
unset RESTMCP_API_KEY RESTMCP_CONFIG_DIR

if [ $# -eq 0 ]; then set -- e2e/tests/*.test.mjs; fi
say "running the suite inside a private keyring session"
set +e
# One file at a time keeps the load (and timings) predictable; Node
# releases without --test-concurrency run them with their default.
runner=(node --test --test-reporter=spec)
if node --test-concurrency=1 -e 0 2>/dev/null; then runner+=(--test-concurrency=1); fi
scripts/with-keyring.sh "${runner[@]}" "$@"
rc=$?
set -e
if [ -f "$E2E_REPORT_DIR/spec-tools.json" ]; then
  say "tools/list sizes per shared spec: $E2E_REPORT_DIR/spec-tools.json"
fi
if [ "$rc" -ne 0 ]; then
  say "failed (exit $rc); the example API's log:"; tail -n 40 "$tmp/api.log" >&2
fi
exit "$rc"
