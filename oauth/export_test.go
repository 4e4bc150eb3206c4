package oauth

// DeviceInterval is deviceInterval, for the tests of the clamping.
var DeviceInterval = deviceInterval
