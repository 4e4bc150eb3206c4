#!/usr/bin/env bash
# Dependencies point one way: cmd → app → server → client, and app → remote
# (cmd and app also use keyring and profile; oauth, keyring, profile and
# install use internal/filelock). client/, server/, remote/ and
# app/ never import cobra; client/, server/ and remote/ never import
# go-keyring; client/ never imports server/ or MCP; nothing below cmd/ imports
# it, nothing below app/ imports app; remote/ (the relay to remote MCP
# servers) knows nothing of the REST side; oauth/ knows nothing of the command
# line, MCP, the keyring or the API client. The binary users run links no
# man-page generator (gen-docs is built only with -tags gendocs): its package
# initialisation would be paid at every start.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
check() { # package, forbidden import regexp
  local bad
  bad=$(go list -deps "./$1" 2>/dev/null | grep -E "$2" || true)
  if [ -n "$bad" ]; then echo "$1 must not depend on: $bad" >&2; fail=1; fi
}
check client 'spf13/cobra|zalando/go-keyring|modelcontextprotocol|restmcp/restmcp/(app|server|cmd|keyring|remote|profile|install|oauth)$'
check server 'spf13/cobra|zalando/go-keyring|restmcp/restmcp/(app|cmd|keyring|remote)$'
check app 'spf13/cobra|restmcp/restmcp/cmd$'
check remote 'spf13/cobra|zalando/go-keyring|restmcp/restmcp/(app|server|client|cmd|keyring|profile)$'
check keyring 'spf13/cobra|restmcp/restmcp/(app|server|client|cmd|remote)$'
check profile 'spf13/cobra|restmcp/restmcp/(app|server|client|cmd|keyring|remote)$'
check install 'spf13/cobra|restmcp/restmcp/(app|server|client|cmd|keyring|remote)$'
check cmd/restmcp 'spf13/cobra/doc|go-md2man|russross/blackfriday'
check oauth 'spf13/cobra|zalando/go-keyring|modelcontextprotocol|restmcp/restmcp/(app|server|client|cmd|keyring|remote)$'
# The internal packages are leaves: small tools any package may use.
for dir in internal/*/; do
  check "${dir%/}" 'spf13/cobra|zalando/go-keyring|modelcontextprotocol|restmcp/restmcp/(app|server|client|cmd|keyring|remote|profile|install|oauth)$'
done
# Nothing of ours compiles a regular expression while the program starts
# (a package-level regexp.MustCompile): wrap it in sync.OnceValue, so that a
# start that never uses it does not pay for it.
init_re=$(git grep -nE '^(var +)?[[:space:]]*[A-Za-z_][A-Za-z0-9_]* *= *regexp\.MustCompile' -- '*.go' ':!*_test.go' ':!e2e/**' ':!scripts/**' ':!bench/**' 2>/dev/null || true)
if [ -n "$init_re" ]; then
  echo "compiled at every start (use sync.OnceValue):" >&2; echo "$init_re" >&2; fail=1
fi
[ $fail = 0 ] && echo "import rules: ok" >&2
exit $fail
