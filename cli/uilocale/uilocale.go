// Package uilocale gives Fyne a locale it can parse before Fyne reads it.
//
// Fyne's lang package reads the user's locale while the program initialises (before main runs),
// and under LANG=C.UTF-8 — the default of many servers and systemd units — it logs "Error parsing
// user locale C" on every command. Importing this package fixes that: its init runs before
// fyne.io/fyne/v2/lang's, because it imports only package os and Go initialises packages in
// import-path order once their imports are ready ("fengqiao/…" sorts before "fyne.io/…").
//
// It sets LANGUAGE (which go-locale, Fyne's source, consults for such locales, and which the C
// library ignores under the C locale) to zh_CN, so Fyne also picks Chinese fonts for fallback
// glyphs. LANG and LC_* stay as they are for the programs the kiosk runs (lp, espeak-ng).
package uilocale

import "os"

func init() { Fix() }

// Fix sets LANGUAGE=zh_CN when the locale is a C or POSIX one and LANGUAGE is unset. It reports
// whether it changed anything.
func Fix() bool {
	if os.Getenv("LANGUAGE") != "" || !Unparsable(Current()) {
		return false
	}
	return os.Setenv("LANGUAGE", "zh_CN") == nil
}

// Current is the locale a program's messages follow: LC_ALL, else LC_MESSAGES, else LANG.
func Current() string {
	for _, name := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// Unparsable reports whether loc is a C or POSIX locale with a suffix ("C.UTF-8", "POSIX.utf8"),
// which go-locale hands on as the language "C". Plain "C" and "POSIX" go-locale handles itself.
func Unparsable(loc string) bool {
	for _, base := range [...]string{"C.", "POSIX.", "C@", "POSIX@"} {
		if len(loc) > len(base) && loc[:len(base)] == base {
			return true
		}
	}
	return false
}
