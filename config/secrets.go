package config

import (
	"errors"
	"fmt"
	"strings"
)

// demoTokens are the demo hall's hub tokens (Default).
var demoTokens = map[string]bool{
	"demo-kiosk-token-0001": true, "demo-window-token-0001": true,
	"demo-display-token-001": true, "demo-rating-token-0001": true,
}

// ExamplePublicURL is the example address of the centre's tracking page; a real hall's receipts
// must not send residents there.
const ExamplePublicURL = "zz.example.gov.cn"

// CheckSecrets reports every secret of the configuration that is still the demo's or the
// example's: a demo token or one starting with change-me, the demo PIN hash (PIN 1234) for a staff
// member or the kiosk, and the example public_url. Only `fengqiao demo` runs with them; every
// other command that serves or joins a real hall refuses them. The error says what to do.
func (c Config) CheckSecrets() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for i, t := range c.Hub.Tokens {
		lower := strings.ToLower(t.Token)
		if demoTokens[t.Token] || strings.HasPrefix(lower, "change-me") || strings.HasPrefix(lower, "demo-") {
			bad("hub.tokens[%d] (%s): still the example's token; make one with: openssl rand -hex 16", i, t.Role)
		}
	}
	for i, s := range c.Staff {
		if s.PINHash == demoPINHash {
			bad("staff[%d] (%s): still the example PIN 1234; make a hash with: fengqiao pin-hash", i, s.Name)
		}
	}
	if c.Kiosk.StaffPIN == demoPINHash {
		bad("kiosk.staff_pin_hash: still the example PIN 1234; make a hash with: fengqiao pin-hash")
	}
	if strings.Contains(strings.ToLower(c.Centre.PublicURL), ExamplePublicURL) || strings.Contains(strings.ToUpper(c.Centre.PublicURL), "CHANGE-ME") {
		bad("centre.public_url: still the example's %s; set the centre's public address residents' phones open", c.Centre.PublicURL)
	}
	if strings.Contains(strings.ToUpper(c.Hall.Code), "CHANGE-ME") {
		bad("hall.code: still a placeholder; set the site's code at the centre")
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("the configuration still holds the demo's or the example's secrets (edit it, then restart: systemctl restart fengqiao-hub):\n%w", errors.Join(errs...))
}

// StaffByName returns the staff member with the name.
func (c Config) StaffByName(name string) (Staff, bool) {
	for _, s := range c.Staff {
		if s.Name == name {
			return s, true
		}
	}
	return Staff{}, false
}
