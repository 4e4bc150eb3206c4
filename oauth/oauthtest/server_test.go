package oauthtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func post(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestAdminEndpointsAndRotation(t *testing.T) {
	for _, rotate := range []bool{true, false} {
		s, err := Start(Options{NoRotation: !rotate})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		cc := url.Values{"grant_type": {"client_credentials"}, "client_id": {"restmcp-test"}, "client_secret": {s.ClientSecret()}}
		if code, _ := post(t, s.URL+"/token", cc); code != http.StatusOK {
			t.Fatalf("client credentials: %d", code)
		}
		// A refresh token, through the device grant.
		_, da := post(t, s.URL+"/device", url.Values{"client_id": {"restmcp-test"}})
		http.Get(da["verification_uri_complete"].(string))
		dc := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {"restmcp-test"}, "device_code": {da["device_code"].(string)}}
		_, tok := post(t, s.URL+"/token", dc)
		rt, _ := tok["refresh_token"].(string)
		refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": {"restmcp-test"}, "refresh_token": {rt}}
		post(t, s.URL+"/token", refresh)
		code, _ := post(t, s.URL+"/token", refresh)
		if rotate && code != http.StatusBadRequest || !rotate && code != http.StatusOK {
			t.Errorf("rotate=%v: reusing a refresh token answered %d", rotate, code)
		}
		post(t, s.URL+"/admin/revoke", nil)
		if code, body := post(t, s.URL+"/token", refresh); code != http.StatusBadRequest || body["error"] != "invalid_grant" {
			t.Errorf("after /admin/revoke: %d %v", code, body)
		}
		resp, err := http.Get(s.URL + "/admin/stats")
		if err != nil {
			t.Fatal(err)
		}
		var st Stats
		json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if st.ClientCredentials != 1 || st.DeviceTokens != 1 || !reflect.DeepEqual(st, s.Stats()) {
			t.Errorf("stats = %+v", st)
		}
	}
}

func TestAPIRefusesExpiredAndMissingTokens(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, tok := post(t, s.URL+"/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"restmcp-test"}, "client_secret": {s.ClientSecret()}})
	call := func(at string) int {
		req, _ := http.NewRequest(http.MethodGet, s.APIURL(), nil)
		if at != "" {
			req.Header.Set("Authorization", "Bearer "+at)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	at := tok["access_token"].(string)
	if call(at) != http.StatusOK || call("") != http.StatusUnauthorized || call("at_forged") != http.StatusUnauthorized {
		t.Fatal("the API does not check tokens")
	}
	post(t, s.URL+"/admin/expire", nil)
	if call(at) != http.StatusUnauthorized {
		t.Error("the API accepts a token after /admin/expire")
	}
}
