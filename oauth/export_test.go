package oauth

// DeviceInterval is deviceInterval, for the tests of the clamping.
var DeviceInterval = deviceInterval

// WithLoginHooks is o with queued called when the callback has handed an
// answer to the authorization code sign-in, and ending when the sign-in
// stops waiting for one (timed out or cancelled).
func WithLoginHooks(o LoginOptions, queued, ending func()) LoginOptions {
	o.hooks = &loginHooks{queued: queued, ending: ending}
	return o
}
