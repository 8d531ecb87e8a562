package uilocale

import "testing"

func TestUnparsable(t *testing.T) {
	for loc, want := range map[string]bool{
		"C.UTF-8": true, "C.utf8": true, "POSIX.UTF-8": true, "C": false, "POSIX": false, "": false,
		"zh_CN.UTF-8": false, "en_US.UTF-8": false, "Chinese": false,
	} {
		if got := Unparsable(loc); got != want {
			t.Errorf("Unparsable(%q) = %v, want %v", loc, got, want)
		}
	}
}

func TestFix(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "C.UTF-8")
	t.Setenv("LANGUAGE", "")
	if !Fix() {
		t.Fatal("Fix changed nothing under LANG=C.UTF-8")
	}
	t.Setenv("LANGUAGE", "en")
	if Fix() {
		t.Fatal("Fix overrode the user's LANGUAGE")
	}
}
