package server

import (
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/prose"
)

// operationTools makes one tool per operation, names assigned over the
// whole API so that filters do not change them.
func (s *Server) operationTools() []*tool {
	ops := s.cfg.API.Operations
	ids := map[string]bool{}
	for _, op := range ops {
		ids[op.ID] = true
	}
	reqs := make([]nameRequest, len(ops))
	for i, op := range ops {
		reqs[i] = operationNameRequest(op, ids, s.cfg.API.BaseURL())
	}
	names := assignNames(s.cfg.Prefix, reqs)
	// A parameter that the credential fills is not an argument
	// (Authorization never is); the key fills none of a public
	// operation's, which is sent without it.
	fillsFor := func(*client.Operation) func(*client.Param) bool { return nil }
	if s.cfg.Client != nil {
		fillsFor = s.cfg.Client.FillsFor
	}
	out := make([]*tool, len(ops))
	leads := make([][]prose.Lead, len(ops))
	rests := make([]string, len(ops))
	summed := make([]bool, len(ops))
	parallel(len(ops), func(i int) {
		op := ops[i]
		in := buildInput(op, fillsFor(op))
		leads[i], rests[i], summed[i] = operationLeads(op.Summary, op.Description, 1)
		out[i] = &tool{op: op, in: in, paging: pagingArgs(in), strict: !in.extraBody}
	})
	// A description is read on past its first paragraph only when that
	// is an aside, or opens the descriptions of many operations.
	readOn(ops, leads, rests, func(l prose.Lead) bool { return l.Aside })
	common := commonLeads(leads)
	readOn(ops, leads, rests, func(l prose.Lead) bool { return common[l.Text] })
	paths := make([]string, len(ops))
	for i, op := range ops {
		paths[i] = strings.TrimPrefix(op.Path, "/")
	}
	strip := commonPrefix(paths)
	prefix := sanitizePrefix(s.cfg.Prefix)
	parallel(len(ops), func(i int) {
		op := out[i].op
		named := says(strings.TrimPrefix(names[i].name, prefix), op.Method, strings.TrimPrefix(paths[i], strip))
		out[i].def = operationTool(names[i], op, out[i].in, pickLead(leads[i], common, summed[i]), named)
	})
	for _, t := range out {
		if len(t.in.skipped) > 0 {
			s.log.Debug("parameters not exposed", "method", t.op.Method, "path", t.op.Path, "params", strings.Join(t.in.skipped, ", "))
		}
	}
	shareArgs(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// parallelMin is the number of items from which parallel uses every core.
const parallelMin = 64

// parallel calls f(i) for i in [0, n), on every core when n is large: each
// operation's tool is built from that operation alone.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/parallelMin+1)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}

// says reports whether a tool name says what its method and path do: it
// spells them word for word (Stripe's operationIds do:
// post_customers_customer_sources for POST /v1/customers/{customer}/sources,
// the segments all paths open with left out), or it has a word for every
// word of the path outside its parameters (GitHub's actions_get_org_secret
// for GET /orgs/{org}/actions/secrets/{secret_name}: "orgs" is "org",
// "secrets" "secret"; or a word of an argument the path takes: "repos" in
// /repos/{owner}/{repo}) and names no other method. Its description then need
// not say them again: the arguments are the parameters.
func says(name, method, path string) bool {
	words := strings.Split(name, "_")
	if slices.Equal(words, append(nameWords(method), nameWords(path)...)) {
		return true
	}
	have := make(map[string]bool, len(words))
	for _, w := range words {
		if nameMethods[w] && !strings.EqualFold(w, method) {
			// post_charges for GET /charges/search: the name misleads.
			return false
		}
		have[baseWord(w)] = true
	}
	// A parameter is an argument: its words are said too
	// (/repos/{owner}/{repo}/labels is issues_list_labels).
	for _, p := range pathParam().FindAllString(path, -1) {
		for _, w := range nameWords(p) {
			have[baseWord(w)] = true
		}
	}
	for _, w := range nameWords(pathParam().ReplaceAllString(path, "/")) {
		if !have[baseWord(w)] && !formatWords[w] {
			return false
		}
	}
	return true
}

// pathParam is a parameter of a path template ({file_id} in
// /files/{file_id}#add_shared_link, {Sid} in /Accounts/{Sid}.json).
var pathParam = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{[^}]*\}`) })

// formatWords end paths to say the format of the answer (Twilio's
// /Accounts/{Sid}.json), not what the operation does.
var formatWords = map[string]bool{"json": true, "xml": true}

// nameMethods are the method names a tool name may say (not "options",
// a word of many names).
var nameMethods = map[string]bool{"get": true, "put": true, "post": true, "patch": true, "delete": true}

// baseWord is a word of a name or path as compared by says: the word a
// short form shortens ("orgs": "organizations"), in the singular.
func baseWord(w string) string {
	if long, ok := longForms[w]; ok {
		w = long
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// operationTool is the MCP definition of one operation. Its method and path
// end the description, unless the name says them (named) and the
// description has something else to say.
func operationTool(name toolName, op *client.Operation, in *inputSchema, lead string, named bool) *mcp.Tool {
	title := prose.OneLine(op.Summary, titleMax)
	if title == "" {
		// Stripe writes no summaries: the first sentence of the
		// description's lead.
		title = prose.FirstSentence(lead, titleMax)
	}
	if title == "" {
		title = op.Method + " " + op.Path
	}
	parts := describe(op, lead, name.name)
	if in.extraBody {
		// The listed schema cannot say so (not every model API takes
		// additionalProperties).
		parts = append(parts, "Arguments not listed here are sent in the request body too.")
	}
	if name.note != "" {
		parts = append(parts, name.note)
	}
	if !named || len(parts) == 0 {
		parts = append(parts, op.Method+" "+op.Path)
	}
	desc := strings.Join(parts, "\n\n")
	return &mcp.Tool{
		Name:        name.name,
		Title:       title,
		Description: desc,
		InputSchema: in.listed,
		Annotations: annotations(op.Method),
	}
}

// describe is a tool description's paragraphs: the summary and the
// description's lead (see pickLead) and a deprecation note. The summary
// goes where the tool's name and the lead say every word of it (the title
// still shows it to the user).
func describe(op *client.Operation, desc, name string) []string {
	var parts []string
	sum := prose.OneLine(op.Summary, titleMax*2)
	switch {
	case desc == "":
		parts = append(parts, sum)
	case sum == "" || strings.HasPrefix(desc, strings.TrimRight(sum, ".")):
		parts = append(parts, desc)
	case restatesIn(sum, desc, toolContext(op)):
		// "Adds followers to a task." after "Add followers to a task".
		parts = append(parts, sum)
	case saidBy(sum, name, desc):
		// "Cancel a workflow run" before "Cancels a workflow run
		// using its `id`." in actions_cancel_workflow_run.
		parts = append(parts, desc)
	default:
		parts = append(parts, sum, desc)
	}
	if parts[0] == "" {
		parts = parts[:0]
	}
	if op.Deprecated {
		parts = append(parts, "Deprecated: prefer another tool when one does the same.")
	}
	return parts
}

// isReadOnly reports whether an HTTP method does not change anything.
func isReadOnly(method string) bool {
	switch strings.ToUpper(method) {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return false
}

// annotations derives the tool hints from the HTTP method: GET and HEAD
// read only; DELETE, PUT and PATCH may overwrite or remove (destructive),
// POST adds; PUT and DELETE are idempotent. Every tool talks to an external
// API (open world). The title is the tool's own (the annotations' one would
// repeat it: clients show the tool's title first).
func annotations(method string) *mcp.ToolAnnotations {
	m := strings.ToUpper(method)
	a := &mcp.ToolAnnotations{OpenWorldHint: ptr(true), ReadOnlyHint: isReadOnly(m)}
	if a.ReadOnlyHint {
		// Every hint set, as app directories ask (ChatGPT's submission
		// requires readOnlyHint, destructiveHint and openWorldHint).
		a.IdempotentHint, a.DestructiveHint = true, ptr(false)
		return a
	}
	a.DestructiveHint = ptr(m != "POST")
	a.IdempotentHint = m == "PUT" || m == "DELETE"
	return a
}

func ptr[T any](v T) *T { return &v }

// pagingWords mark arguments that page, limit or narrow a result.
var pagingWords = []string{
	"page", "limit", "offset", "cursor", "after", "before", "size", "per_page",
	"max", "top", "skip", "count", "fields", "filter", "search", "query", "q",
	"since", "until", "select", "expand", "starting", "ending", "next",
}

// pagingArgs lists the query and body arguments of a tool that page,
// limit or narrow its result, for the budget note.
func pagingArgs(in *inputSchema) []string {
	var out []string
	for name, b := range in.bindings {
		if b.In != inQuery && (b.In != inBody || b.Whole) {
			continue
		}
		for _, w := range nameWords(name) {
			if slices.Contains(pagingWords, w) {
				out = append(out, name)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// What a tool's description adds to its summary is the first sentence of
// the description that says what the operation does: paragraphs that are
// asides ("Note: …", "Deprecation Notice: …") and sentences that many
// operations of the API share (GitHub's "Protected branches are available
// in …", in 34) tell no tool apart and are passed over.
const (
	// leadParagraphs is how many paragraphs of a description are read.
	leadParagraphs = 3
	// commonLeadMin is the fewest operations a common lead is shared by.
	commonLeadMin = 10
)

// operationLeads are the leads of the first n paragraphs of an
// operation's description, the text after them, and whether it has a
// summary: first sentences after a summary, else whole paragraphs.
func operationLeads(summary, description string, n int) ([]prose.Lead, string, bool) {
	summed := prose.OneLine(summary, titleMax*2) != ""
	leads, rest := prose.Leads(description, n, toolDescMax, !summed)
	return leads, rest, summed
}

// readOn reads up to leadParagraphs paragraphs of the descriptions of
// which only a first lead, one passed over, is read.
func readOn(ops []*client.Operation, leads [][]prose.Lead, rests []string, passed func(prose.Lead) bool) {
	var more []int
	for i, ls := range leads {
		if len(ls) == 1 && passed(ls[0]) && rests[i] != "" {
			more = append(more, i)
		}
	}
	parallel(len(more), func(j int) {
		i := more[j]
		next, rest, _ := operationLeads(ops[i].Summary, rests[i], leadParagraphs-1)
		leads[i], rests[i] = append(leads[i], next...), rest
	})
}

// commonLeads are the leads that at least commonLeadMin operations open
// their description with, asides aside (counted over the whole API,
// before any filter, so that a filter changes no description).
func commonLeads(leads [][]prose.Lead) map[string]bool {
	count := map[string]int{}
	for _, ls := range leads {
		for _, l := range ls {
			if !l.Aside {
				count[l.Text]++
				break
			}
		}
	}
	common := map[string]bool{}
	for text, n := range count {
		if n >= commonLeadMin {
			common[text] = true
		}
	}
	return common
}

// pickLead is the first lead that is neither an aside nor common. Without
// a summary to stand in, the first lead is taken when none is.
func pickLead(leads []prose.Lead, common map[string]bool, summary bool) string {
	for _, l := range leads {
		if !l.Aside && !common[l.Text] {
			return l.Text
		}
	}
	if !summary && len(leads) > 0 {
		return leads[0].Text
	}
	return ""
}
