package cli

// Every GUI command lives in this package; importing uilocale here gives Fyne a locale it can
// parse under LANG=C.UTF-8 before Fyne reads it (see package uilocale).
import _ "fengqiao/cli/uilocale"
