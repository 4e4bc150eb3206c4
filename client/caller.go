package client

import (
	"context"
	"errors"
)

type callerKey struct{}

// ErrNoCallerKey is CallerKey's error for a request whose caller sent no
// credential.
var ErrNoCallerKey = errors.New("the caller sent no credential")

// WithCallerKey returns ctx carrying key, the credential one caller sent
// with its own request (a server shared by many callers). It lives only as
// long as ctx: nothing keeps it, and no other caller's context sees it.
func WithCallerKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, callerKey{}, key)
}

// HasCallerKey reports whether ctx carries a caller's own key: the request
// went out with the key its caller sent, not one restmcp keeps.
func HasCallerKey(ctx context.Context) bool {
	k, _ := ctx.Value(callerKey{}).(string)
	return k != ""
}

// CallerKey is a KeySource that returns the key WithCallerKey put in the
// request's context, or ErrNoCallerKey.
func CallerKey(ctx context.Context) (string, error) {
	k, _ := ctx.Value(callerKey{}).(string)
	if k == "" {
		return "", ErrNoCallerKey
	}
	return k, nil
}

type callerUser struct{}

// WithCallerUser returns ctx carrying the user name one caller sent with
// its key for HTTP basic authentication (Twilio's account SID, an e-mail
// address): BasicAuth sends it in place of the profile's.
func WithCallerUser(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, callerUser{}, user)
}

// callerUserOf is the user name WithCallerUser put in ctx, or "".
func callerUserOf(ctx context.Context) string {
	u, _ := ctx.Value(callerUser{}).(string)
	return u
}
