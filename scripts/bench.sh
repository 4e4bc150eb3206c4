#!/usr/bin/env bash
# bench.sh [--runs N] [--markdown] [SPEC...]
#
# restmcp side by side with the npm peer @ivotoby/openapi-mcp-server (pinned
# in bench/package-lock.json) on real public OpenAPI descriptions from
# ../shared/specs (default: petstore, GitHub, Stripe, Asana, Slack, Twilio).
# Both servers are started over stdio by bench/driver.mjs with the same raw
# JSON-RPC lines; per description it reports the median (over N runs, default
# 5) time from spawn to the initialize answer and to the complete tools/list
# answer, the peak resident memory after tools/list (VmHWM, Linux only), the
# bytes of the tools/list answer, the number of tools, and whether the server
# works at all (restmcp with --layout operations: one tool per operation, as
# the peer; started cold with --no-cache, and again from the compiled
# description cache, written by one untimed run first); and the bytes of
# restmcp's other layouts (--layout resources, search and auto, the default)
# for the same API, each as a share of the peer's; and the bytes a model
# reads of each server (its instructions and the tools' names, descriptions
# and input schemas: titles and annotations are for the client). A first row
# gives the floor of the machine: bench/floor, a static Go binary answering
# initialize with fixed bytes. The base URL is loopback and no tool is
# called: nothing leaves the machine.
#
# In the same run, a remote MCP server (the end-to-end suite's, on 127.0.0.1,
# requiring a key header) behind `restmcp serve` on a remote profile and
# behind mcp-remote (pinned in bench/package-lock.json, run by node as
# `npx mcp-remote` would, without npx's own start-up): time from spawn to the
# initialize answer, peak RSS, and the latency each adds to a tool call over
# the same call sent straight to the server (bench/remote.mjs; --calls N
# calls per run, default 50). --no-remote skips it; --remote-only measures
# only the bridges.
#
# Then a load run of `restmcp serve --http` (bench/http-load.mjs): a loopback
# API with fixed JSON answers (bench/loopback), one replica, then two behind
# a round-robin proxy (bench/loopback proxy), and the peer's own HTTP mode
# (--transport http, one process: its sessions live in memory); 1, 8 and 64
# concurrent MCP clients (the TypeScript SDK's Streamable HTTP client, one
# session each) call one tool for --http-seconds (default 5): calls/s, p50
# and p99 latency, errors, peak RSS of the server processes (VmHWM).
# --no-http skips it; --http-only runs only it.
#
# Then the cost of a tool call over stdio (bench/calls.mjs), restmcp
# (--layout operations) and the peer side by side on one loopback API with
# fixed JSON answers (bench/loopback), the same raw JSON-RPC lines sent to
# both: the call's p50 and p99 latency minus a direct HTTP request for the
# same URL (what the server adds), the server's CPU time per call
# (utime + stime from /proc/<pid>/stat over --stdio-calls calls, default
# 4000, one at a time), calls/s with 1 and 8 calls in flight in one
# session, peak RSS; medians of --runs runs, each with its ratio to the
# peer. --no-calls skips it; --calls-only runs only it.
#
# After these, one table holds every measure that has a target, restmcp's
# and the peer's figures from this run side by side with the target.
#
# --markdown prints the tables as Markdown (docs/benchmarks.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The descriptions live in shared/ beside the repository (beside the main
# checkout when this is a git worktree); $RESTMCP_SPECS_DIR overrides.
specs_dir=${RESTMCP_SPECS_DIR:-$root/../shared/specs}
if [ ! -d "$specs_dir" ] && common=$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
  specs_dir="$(dirname "$common")/../shared/specs"
fi
runs=5
calls=50
remote=1
remote_only=0
http=1
http_seconds=5
stdio_calls=4000
calls_part=1
calls_only=0
markdown=0
specs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --markdown) markdown=1; shift ;;
    --calls) calls=$2; shift 2 ;;
    --no-remote) remote=0; shift ;;
    --remote-only) remote_only=1; shift ;;
    --no-http) http=0; shift ;;
    --http-only) remote_only=1; remote=0; shift ;;
    --http-seconds) http_seconds=$2; shift 2 ;;
    --stdio-calls) stdio_calls=$2; shift 2 ;;
    --no-calls) calls_part=0; shift ;;
    --calls-only) calls_only=1; remote=0; http=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) specs+=("$1"); shift ;;
  esac
done
if [ ${#specs[@]} -eq 0 ] && [ "$remote_only" = 0 ] && [ "$calls_only" = 0 ]; then
  if [ ! -d "$specs_dir" ]; then
    echo "bench: no descriptions: $specs_dir is absent (pass spec files as arguments); only the remote bridges are measured" >&2
  fi
  [ -d "$specs_dir" ] && for f in petstore3-openapi.yaml github-api.github.com.json stripe-spec3.json asana_oas.yaml \
    slack_web_openapi_v2.json twilio_api_v2010.json; do
    [ -f "$specs_dir/$f" ] && specs+=("$specs_dir/$f")
  done
fi
for tool in go node npm; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/restmcp-bench.XXXXXX")
# Every table below is printed by bench/table.cjs.
export BENCH_TABLE="$root/bench/table.cjs"
pids=()
cleanup() {
  for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "bench: building restmcp" >&2
(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/restmcp" ./cmd/restmcp)
if [ ! -x "$root/bench/node_modules/@ivotoby/openapi-mcp-server/bin/mcp-server.js" ] ||
  [ ! -f "$root/bench/node_modules/mcp-remote/dist/proxy.js" ] ||
  [ "$root/bench/package-lock.json" -nt "$root/bench/node_modules/.package-lock.json" ]; then
  echo "bench: installing the peers (npm ci in bench/)" >&2
  (cd "$root/bench" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
peer="$root/bench/node_modules/@ivotoby/openapi-mcp-server/bin/mcp-server.js"
peer_version=$(node -p 'require(process.argv[1]).version' "$root/bench/node_modules/@ivotoby/openapi-mcp-server/package.json")
base=http://127.0.0.1:9 # loopback, never called: the benchmark calls no tool

measure() { # SPEC WHICH [RUNS [restmcp serve args...]] → one JSON line
  local spec=$1 which=$2 n=${3:-$runs}
  shift 3 2>/dev/null || shift $#
  if [ "$which" = restmcp ]; then
    RESTMCP_CONFIG_DIR="$work/config" RESTMCP_API_KEY=bench-key \
      node "$root/bench/driver.mjs" --runs "$n" --timeout 120 -- \
      "$work/restmcp" serve --spec "$spec" --base-url "$base" "$@"
  else
    node "$root/bench/driver.mjs" --runs "$runs" --timeout 120 -- \
      node "$peer" --transport stdio --openapi-spec "$spec" --api-base-url "$base" \
      --headers "Authorization:Bearer bench-key"
  fi
}

results="$work/results.jsonl"
: >"$results"
# The floor of this machine: a static Go binary that answers initialize and
# tools/list with fixed bytes (bench/floor); no server starts faster here.
if [ ${#specs[@]} -gt 0 ]; then
  (cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/floor" ./bench/floor)
  node "$root/bench/driver.mjs" --runs "$runs" --timeout 60 -- "$work/floor" >"$work/floor.json"
fi
for spec in ${specs[@]+"${specs[@]}"}; do
  name=$(basename "$spec")
  echo "bench: $name ($runs runs each)" >&2
  # One tool per operation, as the peer serves: cold (--no-cache), then
  # from the compiled description cache (one untimed run writes it).
  r=$(measure "$spec" restmcp "$runs" --layout operations --no-cache)
  measure "$spec" restmcp 1 --layout operations >/dev/null
  c=$(measure "$spec" restmcp "$runs" --layout operations)
  p=$(measure "$spec" peer)
  # restmcp's other layouts: same API, fewer tool definitions (one run:
  # the bytes do not vary); auto is the default.
  res=$(measure "$spec" restmcp 1 --layout resources)
  sea=$(measure "$spec" restmcp 1 --layout search)
  aut=$(measure "$spec" restmcp 1 --layout auto)
  printf '{"spec":"%s","restmcp":%s,"cached":%s,"peer":%s,"resources":%s,"search":%s,"auto":%s}\n' "$name" "$r" "$c" "$p" "$res" "$sea" "$aut" >>"$results"
done

[ ! -s "$results" ] || node - "$results" "$markdown" "$runs" "$peer_version" "$work/floor.json" <<'EOF'
const [file, md, runs, peerVersion, floorFile] = process.argv.slice(2);
const rows = require("fs").readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const floor = JSON.parse(require("fs").readFileSync(floorFile, "utf8"));
const fmt = {
  initializeMs: (v) => `${v.toFixed(0)} ms`,
  toolsListMs: (v) => `${v.toFixed(0)} ms`,
  hwmKB: (v) => `${(v / 1024).toFixed(1)} MB`,
  bytes: (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} MB` : `${(v / 1e3).toFixed(1)} kB`),
  tools: (v) => String(v),
  noArgs: (v) => String(v),
  badNames: (v) => String(v),
};
const label = {
  initializeMs: "initialize (median)",
  toolsListMs: "tools/list done (median)",
  hwmKB: "peak RSS after tools/list",
  bytes: "tools/list bytes",
  tools: "tools",
  noArgs: "tools that take no argument",
  badNames: "tool names a client refuses",
};
const out = [];
const head = ["description", "measure", "restmcp", `peer ${peerVersion}`, "peer / restmcp"];
out.push(["floor of this machine (bench/floor)", "initialize (median)", floor.ok ? fmt.initializeMs(floor.initializeMs) : `no: ${floor.error}`, "", ""]);
for (const r of rows) {
  const works = (x) => (x.ok === x.runs ? "yes" : x.ok ? `${x.ok}/${x.runs} runs` : `no: ${x.error}`);
  out.push([r.spec, "works", works(r.restmcp), works(r.peer), ""]);
  for (const k of Object.keys(fmt)) {
    const a = r.restmcp[k], b = r.peer[k];
    const cell = (v) => (v == null ? "–" : fmt[k](v));
    const ratio = !["badNames", "tools", "noArgs"].includes(k) && a && b ? `${(b / a).toFixed(1)}×` : "";
    out.push(["", label[k], cell(a), cell(b), ratio]);
  }
  for (const k of ["initializeMs", "toolsListMs", "hwmKB"]) {
    const a = r.cached?.[k], b = r.peer[k];
    if (a == null) continue;
    out.push(["", `${label[k]}, from the compiled cache`, fmt[k](a), b == null ? "–" : fmt[k](b), b ? `${(b / a).toFixed(1)}×` : ""]);
  }
  if (r.cached?.toolsListMs != null && r.peer.toolsListMs != null) {
    const a = r.cached.toolsListMs - r.cached.initializeMs, b = r.peer.toolsListMs - r.peer.initializeMs;
    out.push(["", "tools/list answered after initialize, from the compiled cache", fmt.toolsListMs(a), fmt.toolsListMs(b), a > 0 ? `${(b / a).toFixed(1)}×` : ""]);
  }
  if (r.restmcp.bytes && r.peer.bytes) {
    out.push(["", "tools/list bytes, --layout operations, share of the peer's", `${(100 * r.restmcp.bytes / r.peer.bytes).toFixed(0)}%`, "", ""]);
  }
  if (r.restmcp.modelBytes && r.peer.modelBytes) {
    const a = r.restmcp.modelBytes, b = r.peer.modelBytes;
    out.push(["", "bytes a model reads (instructions, tool names, descriptions, input schemas), --layout operations",
      `${fmt.bytes(a)} (${(100 * a / b).toFixed(0)}% of the peer's)`, fmt.bytes(b), `${(b / a).toFixed(1)}×`]);
  }
  for (const layout of ["resources", "search", "auto"]) {
    const x = r[layout];
    if (!x || !x.ok) {
      out.push(["", `restmcp --layout ${layout}`, `no: ${x?.error ?? "not run"}`, "", ""]);
      continue;
    }
    const ratio = r.peer.bytes ? `${(r.peer.bytes / x.bytes).toFixed(1)}×` : "";
    const share = r.peer.bytes ? `, ${(100 * x.bytes / r.peer.bytes).toFixed(1)}% of the peer's` : "";
    out.push(["", `tools/list bytes, --layout ${layout}`, `${fmt.bytes(x.bytes)} (${x.tools} tools${share})`, fmt.bytes(r.peer.bytes ?? 0), ratio]);
  }
}
require(process.env.BENCH_TABLE)(head, out, md, 60);
for (const r of rows) {
  for (const [who, x] of [["restmcp", r.restmcp], ["peer", r.peer]]) {
    if (x.badExample) console.log(`${r.spec}: ${who} names e.g. ${JSON.stringify(x.badExample)}`);
  }
}
console.log(`\n${runs} runs per cell; medians of the runs that worked.`);
EOF

# The loopback API of the call measures: one GET /notes, a bearer key.
notes_spec() {
  cat >"$work/notes.yaml" <<'YAML'
openapi: 3.0.3
info: {title: Notes, version: "1"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
security: [{bearer: []}]
paths:
  /notes:
    get:
      operationId: listNotes
      summary: List the notes
      responses:
        "200":
          description: The notes
          content:
            application/json:
              schema: {type: array, items: {type: object}}
YAML
}
build_loopback() { [ -x "$work/loopback" ] || (cd "$root" && go build -o "$work/loopback" ./bench/loopback); }
# start NAME CMD... : runs CMD in the background, its pid in $last.
start() { local name=$1; shift; "$@" >"$work/$name.out" 2>"$work/$name.err" & last=$!; pids+=("$last"); }
wait_for() { # URL
  for _ in $(seq 150); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "bench: $1 did not answer" >&2; cat "$work"/*.err >&2; exit 1
}
port() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

stdio_calls() {
  echo "bench: tool calls over stdio ($runs runs of $stdio_calls calls each)" >&2
  build_loopback
  notes_spec
  local api=$(port)
  start calls-api "$work/loopback" api "127.0.0.1:$api"
  for _ in $(seq 150); do grep -q listening "$work/calls-api.out" 2>/dev/null && break; sleep 0.1; done
  local drive=(node "$root/bench/calls.mjs" --runs "$runs" --calls "$stdio_calls" --pairs 1000
    --url "http://127.0.0.1:$api/notes" --header "Authorization: Bearer bench-key" --)
  local r p
  r=$(RESTMCP_CONFIG_DIR="$work/config" RESTMCP_API_KEY=bench-key "${drive[@]}" "$work/restmcp" serve \
    --spec "$work/notes.yaml" --base-url "http://127.0.0.1:$api" --layout operations)
  p=$(VERBOSE=false "${drive[@]}" node "$peer" --transport stdio --openapi-spec "$work/notes.yaml" \
    --api-base-url "http://127.0.0.1:$api" --headers "Authorization:Bearer bench-key")
  printf '{"restmcp":%s,"peer":%s}\n' "$r" "$p" >"$work/calls.json"
  node - "$r" "$p" "$markdown" "$peer_version" <<'JS'
const [rj, pj, md, version] = process.argv.slice(2);
const a = JSON.parse(rj), b = JSON.parse(pj);
const works = (x) => (x.ok === x.runs ? "yes" : x.ok ? `${x.ok}/${x.runs} runs` : `no: ${x.error}`);
const ms = (v) => (v == null ? "–" : `${v.toFixed(3)} ms`);
const per = (v) => (v == null ? "–" : v.toFixed(0));
const mb = (v) => (v == null ? "–" : `${(v / 1024).toFixed(1)} MB`);
// less: lower is better (the peer's ÷ restmcp's); more: higher is better.
const less = (x, y) => (x > 0 && y > 0 ? `${(y / x).toFixed(1)}× less` : "");
const more = (x, y) => (x > 0 && y > 0 ? `${(x / y).toFixed(1)}× more` : "");
const rows = [
  ["works", works(a), works(b), ""],
  ["tool call p50", ms(a.p50Ms), ms(b.p50Ms), less(a.p50Ms, b.p50Ms)],
  ["tool call p99", ms(a.p99Ms), ms(b.p99Ms), less(a.p99Ms, b.p99Ms)],
  ["direct HTTP request p50 (same URL, same run)", ms(a.directP50Ms), ms(b.directP50Ms), ""],
  ["added per call p50 (call − direct)", ms(a.addedP50Ms), ms(b.addedP50Ms), less(a.addedP50Ms, b.addedP50Ms)],
  ["added per call p99 (call − direct)", ms(a.addedP99Ms), ms(b.addedP99Ms), less(a.addedP99Ms, b.addedP99Ms)],
  ["server CPU per call (user + sys)", ms(a.cpuMsPerCall), ms(b.cpuMsPerCall), less(a.cpuMsPerCall, b.cpuMsPerCall)],
  ["calls/s, 1 in flight", per(a.callsPerSec1), per(b.callsPerSec1), more(a.callsPerSec1, b.callsPerSec1)],
  [`calls/s, ${a.concurrency} in flight, one session`, per(a.callsPerSecN), per(b.callsPerSecN), more(a.callsPerSecN, b.callsPerSecN)],
  [`server CPU per call, ${a.concurrency} in flight`, ms(a.cpuMsPerCallN), ms(b.cpuMsPerCallN), less(a.cpuMsPerCallN, b.cpuMsPerCallN)],
  ["peak RSS after the calls", mb(a.hwmKB), mb(b.hwmKB), less(a.hwmKB, b.hwmKB)],
];
const head = ["tool call over stdio", "restmcp", `peer ${version}`, "restmcp vs the peer"];
console.log("");
require(process.env.BENCH_TABLE)(head, rows, md);
for (const [who, x] of [["restmcp", a], ["peer", b]]) if (x.error) console.log(`${who}: ${x.error}`);
console.log(`\n${a.runs} runs; each: ${a.pairs} calls alternating with a direct request, then ${a.calls} calls one at a time, then ${a.calls} with ${a.concurrency} in flight; medians of the runs that worked.`);
JS
}
[ "$calls_part" = 1 ] && [ "$remote_only" = 0 ] && stdio_calls

# The targets: every measure above that has one, next to the peer's, from
# this run.
[ ! -s "$results" ] || node - "$results" "$work/calls.json" "$markdown" "$peer_version" <<'EOF'
const fs = require("fs");
const [file, callsFile, md, version] = process.argv.slice(2);
const rows = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const calls = fs.existsSync(callsFile) ? JSON.parse(fs.readFileSync(callsFile, "utf8")) : null;
const spec = (p) => rows.find((r) => r.spec.startsWith(p));
const ms = (v, d = 0) => (v == null ? "–" : `${v.toFixed(d)} ms`);
const mb = (v) => (v == null ? "–" : `${(v / 1024).toFixed(1)} MB`);
const kb = (v) => (v == null ? "–" : `${(v / 1000).toFixed(1)} kB`);
const pct = (a, b) => (a && b ? ` (${(100 * a / b).toFixed(1)}%)` : "");
const out = [];
const add = (what, ours, peer, target) => out.push([what, ours, peer, target]);
const small = spec("petstore"), stripe = spec("stripe"), github = spec("github");
const after = (x) => (x?.toolsListMs != null ? x.toolsListMs - x.initializeMs : null);
if (small) add("spawn → initialize, Petstore (19 operations): cold / cached", `${ms(small.restmcp.initializeMs)} / ${ms(small.cached?.initializeMs)}`, ms(small.peer.initializeMs), "≤ 15 ms");
for (const [name, r] of [["Stripe", stripe], ["GitHub", github]]) {
  if (r) add(`spawn → initialize, ${name} (${r.restmcp.tools} tools): cold / cached`, `${ms(r.restmcp.initializeMs)} / ${ms(r.cached?.initializeMs)}`, ms(r.peer.initializeMs), "≤ 100 ms cold, ≤ 20 ms cached");
}
if (github) add(`tools/list answered after initialize, GitHub (${github.restmcp.tools} tools), cached`, ms(after(github.cached)), ms(after(github.peer)), "≤ 20 ms");
if (calls) {
  const a = calls.restmcp, b = calls.peer;
  add("added latency per call, p50 (call − direct request)", ms(a.addedP50Ms, 3), ms(b.addedP50Ms, 3), "≤ 0.1 ms");
  add("server CPU per call (user + sys)", ms(a.cpuMsPerCall, 3), ms(b.cpuMsPerCall, 3), "≤ 0.1 ms");
  add(`calls/s, ${a.concurrency} in flight in one session`, `${a.callsPerSecN?.toFixed(0)} (${(a.callsPerSecN / b.callsPerSecN).toFixed(1)}× the peer)`, `${b.callsPerSecN?.toFixed(0)}`, "≥ 2× the peer");
  add("peak RSS after the calls (small API)", mb(a.hwmKB), mb(b.hwmKB), "≤ 20 MB");
}
if (stripe) {
  add("peak RSS after tools/list, Stripe: cold / cached", `${mb(stripe.restmcp.hwmKB)} / ${mb(stripe.cached?.hwmKB)}`, mb(stripe.peer.hwmKB), "≤ 40 MB");
  add("tools/list bytes, Stripe, --layout operations", kb(stripe.restmcp.bytes) + pct(stripe.restmcp.bytes, stripe.peer.bytes), kb(stripe.peer.bytes), "≤ 40% of the peer");
  add("tools/list bytes, Stripe, --layout resources", kb(stripe.resources?.bytes) + pct(stripe.resources?.bytes, stripe.peer.bytes), kb(stripe.peer.bytes), "≤ 15% of the peer");
}
if (github) add("tools/list bytes, GitHub, --layout operations", kb(github.restmcp.bytes) + pct(github.restmcp.bytes, github.peer.bytes), kb(github.peer.bytes), "≤ 45% of the peer");
// The same targets on the bytes a model reads: titles and annotations are
// for the client's display, not in the model's context.
const share = (a, b) => (a && b ? ` (${(100 * a / b).toFixed(1)}%)` : "");
for (const [what, r, x, target] of [
  ["Stripe, --layout operations", stripe, stripe?.restmcp, 40],
  ["Stripe, --layout resources", stripe, stripe?.resources, 15],
  ["GitHub, --layout operations", github, github?.restmcp, 45],
]) {
  if (r) add(`bytes a model reads, ${what}`, kb(x?.modelBytes) + share(x?.modelBytes, r.peer.modelBytes), kb(r.peer.modelBytes), `≤ ${target}% of the peer's`);
}
add("tools/list bytes, --layout search (largest of the APIs above)", kb(Math.max(...rows.map((r) => r.search?.bytes ?? 0))), "", "≤ 5 kB");
const head = ["measure", "restmcp", `peer ${version}`, "target"];
console.log("");
require(process.env.BENCH_TABLE)(head, out, md);
EOF

http_load() {
  echo "bench: serve --http load run ($http_seconds s per level)" >&2
  build_loopback
  notes_spec
  local api=$(port) r1=$(port) r2=$(port) lb=$(port) pp=$(port)
  start api "$work/loopback" api "127.0.0.1:$api"
  for r in "$r1" "$r2"; do
    start "serve-$r" env RESTMCP_CONFIG_DIR="$work/config" "$work/restmcp" serve --http "127.0.0.1:$r" \
      --spec "$work/notes.yaml" --base-url "http://127.0.0.1:$api" --layout operations
  done
  local p1=${pids[-2]} p2=${pids[-1]}
  start proxy "$work/loopback" proxy "127.0.0.1:$lb" "http://127.0.0.1:$r1" "http://127.0.0.1:$r2"
  start peer env VERBOSE=false node "$peer" --transport http --host 127.0.0.1 --port "$pp" \
    --openapi-spec "$work/notes.yaml" --api-base-url "http://127.0.0.1:$api" --headers "Authorization:Bearer bench-key"
  local pp_pid=$last
  wait_for "http://127.0.0.1:$r1/readyz"; wait_for "http://127.0.0.1:$r2/readyz"; wait_for "http://127.0.0.1:$pp/health"
  local load=(node "$root/bench/http-load.mjs" --tool notes --seconds "$http_seconds" --clients 1,8,64)
  : >"$work/http.jsonl"
  # The second replica is idle for the first run: its memory is not counted there.
  "${load[@]}" --url "http://127.0.0.1:$r1/mcp" --header "Authorization: Bearer bench-key" --pids "$p1" |
    sed 's/^/{"target":"one","r":/; s/$/}/' >>"$work/http.jsonl"
  "${load[@]}" --url "http://127.0.0.1:$lb/mcp" --header "Authorization: Bearer bench-key" --pids "$p1,$p2" |
    sed 's/^/{"target":"two","r":/; s/$/}/' >>"$work/http.jsonl"
  "${load[@]}" --url "http://127.0.0.1:$pp/mcp" --pids "$pp_pid" |
    sed 's/^/{"target":"peer","r":/; s/$/}/' >>"$work/http.jsonl"
  node - "$work/http.jsonl" "$markdown" "$peer_version" <<'JS'
const [file, md, version] = process.argv.slice(2);
const rows = require("fs").readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const what = { one: "restmcp, 1 replica", two: "restmcp, 2 replicas + proxy", peer: `peer ${version} --transport http` };
const head = ["server", "clients", "calls/s", "p50", "p99", "errors", "peak RSS"];
const out = rows.map(({ target, r }) => [what[target], String(r.clients), r.callsPerSec.toFixed(0), `${r.p50.toFixed(1)} ms`,
  `${r.p99.toFixed(1)} ms`, `${r.errors} of ${r.calls}`, r.hwmKB.map((k) => (k == null ? "–" : `${(k / 1024).toFixed(1)} MB`)).join(" + ")]);
console.log("");
require(process.env.BENCH_TABLE)(head, out, md);
for (const { target, r } of rows) if (r.errors) console.log(`${what[target]}, ${r.clients} clients: first error ${r.firstError}`);
console.log(`\n${rows[0]?.r.tool ?? ""} called for the given seconds per level; peak RSS is VmHWM after the level.`);
JS
}

if [ "$remote" != 1 ]; then
  [ "$http" = 1 ] && http_load
  exit 0
fi
if [ ! -d "$root/e2e/node_modules/@modelcontextprotocol/sdk" ]; then
  echo "bench: installing the TypeScript MCP SDK for the remote server (npm ci in e2e/)" >&2
  (cd "$root/e2e" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
mcp_remote="$root/bench/node_modules/mcp-remote/dist/proxy.js"
mcp_remote_version=$(node -p 'require(process.argv[1]).version' "$root/bench/node_modules/mcp-remote/package.json")
echo "bench: remote MCP server bridges ($runs runs of $calls calls each)" >&2
node "$root/bench/remote.mjs" --runs "$runs" --calls "$calls" --restmcp "$work/restmcp" --mcp-remote "$mcp_remote" >"$work/remote.json"
node - "$work/remote.json" "$markdown" "$mcp_remote_version" <<'EOF'
const [file, md, version] = process.argv.slice(2);
const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
const works = (x) => (x.ok === x.runs ? "yes" : x.ok ? `${x.ok}/${x.runs} runs` : `no: ${x.error}`);
const n = (v, f) => (v == null ? "–" : f(v));
const msf = (v) => `${v.toFixed(0)} ms`;
const ratio = (a, b) => (a && b ? `${(b / a).toFixed(1)}×` : "");
const a = r.restmcp, b = r.mcpRemote;
const head = ["remote MCP server bridge", "restmcp serve", `mcp-remote ${version}`, "mcp-remote / restmcp"];
const rows = [
  ["works", works(a), works(b), ""],
  ["spawn → initialize answered (median)", n(a.initializeMs, msf), n(b.initializeMs, msf), ratio(a.initializeMs, b.initializeMs)],
  ["peak RSS after the calls", n(a.hwmKB, (v) => `${(v / 1024).toFixed(1)} MB`), n(b.hwmKB, (v) => `${(v / 1024).toFixed(1)} MB`), ratio(a.hwmKB, b.hwmKB)],
  ["tool call through the bridge (median)", n(a.callMs, (v) => `${v.toFixed(1)} ms`), n(b.callMs, (v) => `${v.toFixed(1)} ms`), ""],
  [`added per call (straight to the server: ${r.direct.callMs.toFixed(1)} ms)`, n(a.addedMs, (v) => `${v.toFixed(1)} ms`), n(b.addedMs, (v) => `${v.toFixed(1)} ms`), ""],
];
console.log("");
require(process.env.BENCH_TABLE)(head, rows, md);
for (const x of [a, b]) if (x.error) console.log(`${x.name}: ${x.error}`);
console.log(`\n${r.runs} runs of ${r.calls} tools/call each per bridge; medians of the runs that worked.`);
EOF
[ "$http" = 1 ] && http_load
exit 0
