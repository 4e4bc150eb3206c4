module github.com/restmcp/restmcp/scripts/libcompare

go 1.26.0

require (
	github.com/getkin/kin-openapi v0.152.0
	github.com/pb33f/libopenapi v0.40.0
	github.com/restmcp/restmcp v0.0.0
	go.yaml.in/yaml/v4 v4.0.0
)

require (
	github.com/bahlo/generic-list-go v0.2.0 // indirect
	github.com/buger/jsonparser v1.1.2 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/oasdiff/yaml v0.1.1 // indirect
	github.com/oasdiff/yaml3 v0.0.14 // indirect
	github.com/pb33f/jsonpath v0.8.3 // indirect
	github.com/pb33f/ordered-map/v2 v2.3.1 // indirect
	github.com/rogpeppe/go-internal v1.16.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	golang.org/x/sync v0.23.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)

replace github.com/restmcp/restmcp => ../..

// libopenapi v0.40.0 does not build with go.yaml.in/yaml/v4 v4.0.0 (restmcp's
// version); it needs the release candidate it was written against.
replace go.yaml.in/yaml/v4 => go.yaml.in/yaml/v4 v4.0.0-rc.6
