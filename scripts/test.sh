#!/usr/bin/env bash
# Runs every test: formatting, vet (also for windows and darwin, with the
# test binaries compiled for both), import rules, unit tests with the race
# detector, then the end-to-end suite (built binary, example Django API,
# real keyring, the official TypeScript MCP client) where its tools exist.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi

step "go vet"
go vet ./...
go vet -tags gendocs ./cmd/...

# Windows and macOS: no machine of either here, so at least vet and compile
# (and link) the tests for them: 1-2 minutes on 2 cores with a warm build
# cache, about 4 cold.
step "go vet and test binaries for windows and darwin"
cross=$(mktemp -d "${TMPDIR:-/tmp}/test-cross.XXXXXX")
trap 'rm -rf "$cross"' EXIT
for os in windows darwin; do
  GOOS=$os go vet ./...
  mkdir -p "$cross/$os"
  GOOS=$os go test -c -o "$cross/$os/" ./... >/dev/null
  echo "  ok: $os" >&2
done
rm -rf "$cross"

step "import rules"
scripts/check-imports.sh

step "go test -race (inside a private D-Bus session with a real gnome-keyring)"
scripts/with-keyring.sh go test -race -count=1 ./...
# gen-docs is built only with -tags gendocs (the release's docs hook).
go test -race -count=1 -tags gendocs -run 'GenDocs' ./cmd

step "example API tests (Django)"
(cd examples/django-drf && PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 manage.py test -v 1)

if [ -x e2e/run.sh ]; then
  step "end-to-end suite"
  e2e/run.sh
fi
