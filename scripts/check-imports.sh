#!/usr/bin/env bash
# Dependencies point one way: cmd → server → client. client/ and server/
# never import cobra or go-keyring; client/ never imports server/ or MCP;
# oauth/ knows nothing of the command line, MCP, the keyring or the API client.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
check() { # package, forbidden import regexp
  local bad
  bad=$(go list -deps "./$1" 2>/dev/null | grep -E "$2" || true)
  if [ -n "$bad" ]; then echo "$1 must not depend on: $bad" >&2; fail=1; fi
}
check client 'spf13/cobra|zalando/go-keyring|modelcontextprotocol|restmcp/restmcp/(server|cmd|keyring)$'
check server 'spf13/cobra|zalando/go-keyring|restmcp/restmcp/(cmd|keyring)$'
check keyring 'spf13/cobra|restmcp/restmcp/(server|client|cmd)$'
check oauth 'spf13/cobra|zalando/go-keyring|modelcontextprotocol|restmcp/restmcp/(server|client|cmd|keyring)$'
[ $fail = 0 ] && echo "import rules: ok" >&2
exit $fail
