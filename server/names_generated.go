package server

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/restmcp/restmcp/client"
)

// operationWords is the readable name of an operation before prefixing,
// shortening and telling shared names apart: the words of its operationId
// without what a generator added, or without an operationId its method and
// path. ids holds every operationId of the API.
func operationWords(op *client.Operation, ids map[string]bool) []string {
	if op.ID == "" {
		return pathWords(op.Method, op.Path)
	}
	for _, strip := range []func(*client.Operation, map[string]bool) []string{
		fastAPIWords, springfoxWords, nestWords, pathMethodWords, numberedWords,
	} {
		if w := strip(op, ids); len(w) > 0 {
			return w
		}
	}
	if w := nameWords(op.ID); len(w) > 0 {
		return w
	}
	return pathWords(op.Method, op.Path)
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

var reNonWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9_]`) })

// fastAPIWords recognises FastAPI's generated operationId: the function's
// name, then the path and the method with every non-word character made
// "_" (read_item_items__item_id__get for read_item on GET
// /items/{item_id}), and keeps the function's name. FastAPI takes the
// method of a route serving several from the first of them, so any method
// is accepted.
func fastAPIWords(op *client.Operation, _ map[string]bool) []string {
	path := reNonWord().ReplaceAllString(op.Path, "_")
	for _, m := range httpMethods {
		if fn, ok := strings.CutSuffix(op.ID, path+"_"+m); ok && fn != "" {
			return nameWords(fn)
		}
	}
	return nil
}

var reSpringfox = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(.+)Using(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE)(_\d+)?$`)
})

// springfoxWords recognises springfox's generated operationId, the Java
// method's name with "Using" and the method and a number for repeated
// names (getUserUsingGET_1), and keeps the method's name.
func springfoxWords(op *client.Operation, _ map[string]bool) []string {
	if m := reSpringfox().FindStringSubmatch(op.ID); m != nil {
		return nameWords(m[1])
	}
	return nil
}

var reNest = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z0-9]+)Controller_([A-Za-z0-9]+)$`) })

// nestWords recognises NestJS's generated operationId,
// {Controller}_{method} (UsersController_findAll), and drops "Controller":
// users_find_all.
func nestWords(op *client.Operation, _ map[string]bool) []string {
	if m := reNest().FindStringSubmatch(op.ID); m != nil {
		return append(nameWords(m[1]), nameWords(m[2])...)
	}
	return nil
}

// pathMethodWords recognises an operationId made of the path's words and
// the operation's own method after "_" (auth_login_post for POST
// /api/auth/login) and drops the method, unless the path's last segment is
// all that is left (users_get stays): a name that is then shared gets a
// verb or the method back where it is needed.
func pathMethodWords(op *client.Operation, _ map[string]bool) []string {
	rest, ok := strings.CutSuffix(op.ID, "_"+strings.ToLower(op.Method))
	if !ok || rest == "" {
		return nil
	}
	var last string
	for _, s := range strings.Split(op.Path, "/") {
		if s != "" && !strings.HasPrefix(s, "{") {
			last = s
		}
	}
	w, tail := nameWords(rest), nameWords(last)
	if len(tail) == 0 || len(w) <= len(tail) || !slices.Equal(w[len(w)-len(tail):], tail) {
		return nil
	}
	return w
}

var reNumbered = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+)_(\d+)$`) })

// numberedWords recognises a number a generator added to a repeated
// operationId (springdoc's getUser_1 beside getUser) and drops it, so that
// the names are told apart by what differs. A number that is a segment of
// the path (put_users_id_folders_0 for /users/{id}/folders/0) stays.
func numberedWords(op *client.Operation, ids map[string]bool) []string {
	m := reNumbered().FindStringSubmatch(op.ID)
	if m == nil || !ids[m[1]] || slices.Contains(strings.Split(op.Path, "/"), m[2]) {
		return nil
	}
	return nameWords(m[1])
}
