#!/usr/bin/env bash
# Starts the example API on 127.0.0.1: migrates the SQLite database, seeds a
# few projects, tasks and tags, creates an API key and runs Django's server
# in the foreground (the script execs it, so its PID is the server's).
#
#   examples/django-drf/run.sh [--port N] [--key-file PATH] [--db PATH]
#
#   --port N         port to listen on (default $EXAMPLE_API_PORT or 8000)
#   --key-file PATH  write a new API key there, mode 0600 (default
#                    $EXAMPLE_API_KEY_FILE; without either no key is created)
#   --db PATH        SQLite database (default $EXAMPLE_API_DB or ./db.sqlite3)
#
# The key is written only to the key file, never to the output. The server is
# ready when GET http://127.0.0.1:PORT/healthz answers 200. Requests need
# "Authorization: Api-Key <key>"; the OpenAPI description is at /api/schema/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${EXAMPLE_API_PORT:-8000}
key_file=${EXAMPLE_API_KEY_FILE:-}
db=${EXAMPLE_API_DB:-$here/db.sqlite3}
python=${EXAMPLE_API_PYTHON:-/usr/bin/python3}

usage() { sed -n '2,17s/^# \{0,1\}//p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --port=*) port=${1#*=}; shift ;;
    --key-file) key_file=${2:?--key-file needs a path}; shift 2 ;;
    --key-file=*) key_file=${1#*=}; shift ;;
    --db) db=${2:?--db needs a path}; shift 2 ;;
    --db=*) db=${1#*=}; shift ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage ;;
  esac
done
case $port in ''|*[!0-9]*) echo "run.sh: --port must be a number, got '$port'" >&2; exit 2 ;; esac

if ! "$python" -c 'import django, rest_framework, rest_framework_api_key, uritemplate, yaml' 2>/dev/null; then
  cat >&2 <<MSG
run.sh: $python cannot import Django REST Framework and friends. On Debian or Ubuntu:
  sudo apt-get install python3-django python3-djangorestframework \\
    python3-djangorestframework-api-key python3-uritemplate python3-yaml
MSG
  exit 1
fi

cd "$here"
export EXAMPLE_API_DB=$db
export PYTHONDONTWRITEBYTECODE=1
"$python" manage.py migrate --noinput -v 0
"$python" manage.py seed
if [ -n "$key_file" ]; then
  "$python" manage.py createkey --name "run.sh $(date -u +%Y-%m-%dT%H:%M:%SZ)" --output "$key_file"
fi
echo "example API on http://127.0.0.1:$port/api/ (OpenAPI description: /api/schema/, readiness: /healthz)" >&2
exec "$python" manage.py runserver --noreload "127.0.0.1:$port"
