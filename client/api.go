// Package client is the REST side of restmcp: it loads an API description
// (Swagger 2.0, OpenAPI 3.0 or 3.1), indexes its operations, builds HTTP
// requests from arguments and sends them. It knows nothing about MCP.
//
//	api, err := client.Load(ctx, "https://api.example.com/openapi.json", client.LoadOptions{})
//	c := client.New(client.Options{BaseURL: api.BaseURL(), Credential: client.HeaderKey{Scheme: "Bearer", Key: client.StaticKey("…")}})
//	resp, err := c.Do(ctx, client.Request{Op: api.Operations[0], Query: map[string]any{"page": 2}})
package client

// API is a loaded API description, reduced to what restmcp needs.
type API struct {
	// Source is the file path or URL the description was read from.
	Source string
	// Format is "swagger-2.0", "openapi-3.0" or "openapi-3.1".
	Format      string
	Title       string
	Version     string
	Description string
	// Servers are the description's server URLs, variables substituted with
	// their defaults and relative URLs resolved against Source when it is a URL.
	Servers []string
	// Operations in a stable order: by path, then method (get, put, post,
	// delete, options, head, patch, trace).
	Operations []*Operation
	// Skipped lists operations that could not be turned into something
	// callable, each with the reason; the rest of the API still loads.
	Skipped []Skipped
	// SecuritySchemes are the declared schemes by name.
	SecuritySchemes map[string]*SecurityScheme
	// Webhooks counts the webhooks an OpenAPI 3.1 description declares:
	// requests the API sends, which are no operations.
	Webhooks int `json:",omitempty"`

	// Digest is the SHA-256 (hex) of the description's own document, as
	// read; Files are the other local files its $refs read; Validators
	// are the HTTP answer's, for a URL description. They say whether a
	// copy of what was built from the description is still current.
	Digest     string     `json:",omitempty"`
	Files      []RefFile  `json:",omitempty"`
	Validators Validators `json:",omitzero"`
	// Location is where a URL description's own document was read from,
	// after redirects, as ShowURL shows it (without user info, query or
	// fragment, which its relative servers are not resolved with): with
	// Digest, what the API is built from.
	Location string `json:",omitempty"`
	// RemoteRefs says a $ref read a URL: nothing here tells whether what
	// it read is still current.
	RemoteRefs bool `json:",omitempty"`
	// Located says a URL of the API (a server of the description, of a
	// path or of an operation, an OAuth endpoint, Swagger's scheme) was
	// resolved against Location: the same bytes read from another place
	// are another API.
	Located bool `json:",omitempty"`
}

// RefFile is a local file a description's $refs named, with the SHA-256
// (hex) of its bytes when they were read; Digest is empty when the file
// could not be read or decoded (its operations were left out, and the
// file appearing or being fixed changes the API).
type RefFile struct {
	Path   string
	Digest string `json:",omitempty"`
}

// Skipped names an operation that was left out and why.
type Skipped struct {
	Method, Path string
	Reason       string
}

// BaseURL is the default base URL: the first server; else, when only
// operations declare servers (as Twilio's description does), the first
// operation's first server; else "".
func (a *API) BaseURL() string {
	if len(a.Servers) > 0 {
		return a.Servers[0]
	}
	for _, op := range a.Operations {
		if len(op.Servers) > 0 {
			return op.Servers[0]
		}
	}
	return ""
}

// Operation is one HTTP operation of the API.
type Operation struct {
	// ID is the operationId as written in the description ("" when absent).
	ID          string
	Method      string // upper case: GET, POST, …
	Path        string // as written, with {templates}
	Summary     string
	Description string
	Tags        []string
	Deprecated  bool
	// Servers overrides API.Servers for this operation (path- or
	// operation-level servers), when the description declares any.
	Servers []string
	// Params are path, query, header and cookie parameters, path-level ones
	// merged with operation-level ones (the operation wins).
	Params []*Param
	// Body is the request body, nil when the operation takes none.
	Body *Body
	// Security reports whether the operation requires authentication at
	// all: false only when the description says `security: []` for it.
	Security bool
	// Requirements are the security requirement alternatives that apply
	// (the operation's, else the description's): nil when none is
	// declared, empty for `security: []`.
	Requirements []Requirement
}

// Param is one non-body parameter.
type Param struct {
	Name        string // wire name, exactly as in the description
	In          string // "path", "query", "header" or "cookie"
	Required    bool
	Description string
	// Schema is a self-contained JSON Schema (no $ref; OpenAPI-only keywords
	// converted or removed; recursion cut at a bounded depth).
	Schema map[string]any
	// Style and Explode are the serialisation rules, defaults applied
	// (query: form + explode=true; path: simple; header: simple); StyleJSON
	// for a parameter declared with a JSON `content` instead of a schema.
	Style   string
	Explode bool
	// AllowReserved keeps reserved characters unescaped in query values.
	AllowReserved bool
}

// StyleJSON marks a parameter declared with `content` of a JSON media type:
// its value is sent as that JSON, one string (OpenAPI: content and style
// exclude each other).
const StyleJSON = "json"

// Body is a request body.
type Body struct {
	Required    bool
	Description string
	// ContentType is the media type restmcp will send, chosen from the
	// description: application/json (or +json) first, then a wildcard
	// (*/*, application/*: the value decides, a data: URI going as its
	// bytes), then application/x-www-form-urlencoded, then
	// multipart/form-data, then whatever is first.
	ContentType string
	// Types are the media types the description offers for the body,
	// when it offers several (an image as image/png,
	// image/jpeg or image/*): a data: URI of one of them is sent as its
	// own type rather than as ContentType.
	Types []string `json:",omitempty"`
	// Schema is a self-contained JSON Schema for the body, like Param.Schema.
	// Properties marked readOnly are removed.
	Schema map[string]any
	// Encoding holds per-property encodings for form and multipart bodies
	// (property name → content type, style, explode), when declared.
	Encoding map[string]Encoding
}

// Encoding is the OpenAPI encoding object of one form property.
type Encoding struct {
	ContentType string
	Style       string
	Explode     *bool
}
