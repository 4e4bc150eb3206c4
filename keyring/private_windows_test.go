package keyring

import (
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// TestPlainFileOwnerOnlyACL: on Windows the key file's access list is
// protected (nothing inherited) and grants access to the current user only.
func TestPlainFileOwnerOnlyACL(t *testing.T) {
	p := PlainFile{Path: filepath.Join(t.TempDir(), "insecure-keys.json")}
	if err := p.Set("acme", "sk-secret-1234567890"); err != nil {
		t.Fatal(err)
	}
	sd, err := windows.GetNamedSecurityInfo(p.Path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	if control&windows.SE_DACL_PROTECTED == 0 {
		t.Error("the access list inherits from the folder")
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	if dacl.AceCount != 1 {
		t.Fatalf("%d access entries, want 1", dacl.AceCount)
	}
	var ace *windows.ACCESS_ALLOWED_ACE
	if err := windows.GetAce(dacl, 0, &ace); err != nil {
		t.Fatal(err)
	}
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
	if !sid.Equals(user.User.Sid) {
		t.Errorf("the entry is for %s, want the current user %s", sid, user.User.Sid)
	}
}
