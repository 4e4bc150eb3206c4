#!/usr/bin/env bash
# Dependencies point one way: cmd → server → client, and cmd → remote.
# client/, server/ and remote/ never import cobra or go-keyring; client/
# never imports server/ or MCP; remote/ (the relay to remote MCP servers)
# knows nothing of the REST side.
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
check remote 'spf13/cobra|zalando/go-keyring|restmcp/restmcp/(server|client|cmd|keyring|profile)$'
check keyring 'spf13/cobra|restmcp/restmcp/(server|client|cmd)$'
[ $fail = 0 ] && echo "import rules: ok" >&2
exit $fail
