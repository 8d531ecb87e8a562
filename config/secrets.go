package config

import (
	"errors"
	"fengqiao/app"
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

// CheckSecrets reports every secret the hub needs that is missing or still the demo's or the
// example's: a token whose file is missing, empty or unreadable; a demo token or one starting with
// change-me; the demo PIN hash (PIN 1234) for a staff member or the kiosk; a secret file the hub
// may not read. Only `fengqiao demo` runs with the demo's secrets; every other command that serves
// a real hall refuses them. The error says what to do.
func (c Config) CheckSecrets() error {
	var errs []error
	for i := range c.Hub.Tokens {
		if err := c.tokenProblem(i); err != nil {
			errs = append(errs, err)
		}
	}
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for i, s := range c.Staff {
		if s.PINHash == demoPINHash {
			bad("staff[%d] (%s): still the example PIN 1234; set a new one with: fengqiao staff add", i, s.Name)
		}
	}
	if c.Kiosk.StaffPIN == demoPINHash {
		bad("kiosk.staff_pin_hash: still the example PIN 1234; set a new one with: fengqiao staff kiosk-pin")
	}
	for _, err := range c.fileErrs {
		bad("%v (the hub's user must read it: see docs/install.md, \"Who reads what\")", err)
	}
	return secretsError(errs)
}

// CheckRoleSecret reports what is wrong with the secrets a client in role uses: its token (the
// first configured for the role) none, its file missing, empty or unreadable by this account, or
// still the example's; for the kiosk also its leave PIN, unreadable or the example's. A client
// needs no other secret.
func (c Config) CheckRoleSecret(role app.Role) error {
	var errs []error
	found := false
	for i, t := range c.Hub.Tokens {
		if t.Role == role {
			errs, found = append(errs, c.tokenProblem(i)), true
			break
		}
	}
	if !found {
		return fmt.Errorf("no [[hub.tokens]] entry for the role %s: add one with its token or file", role)
	}
	if role == app.RoleKiosk {
		if c.Kiosk.StaffPIN == demoPINHash {
			errs = append(errs, errors.New("kiosk.staff_pin_hash: still the example PIN 1234; set a new one with: fengqiao staff kiosk-pin"))
		}
		for _, err := range c.fileErrs {
			if strings.HasPrefix(err.Error(), "kiosk.") {
				errs = append(errs, fmt.Errorf("%w (this account must be in the group fengqiao-kiosk)", err))
			}
		}
	}
	return secretsError(errs)
}

// CheckPlaceholders reports the settings still the example's that are not secrets: the example
// centre.public_url (receipts' QR codes would send residents there) and a CHANGE-ME hall.code.
func (c Config) CheckPlaceholders() error {
	var errs []error
	if strings.Contains(strings.ToLower(c.Centre.PublicURL), ExamplePublicURL) || strings.Contains(strings.ToUpper(c.Centre.PublicURL), "CHANGE-ME") {
		errs = append(errs, fmt.Errorf("centre.public_url: still the example's %s; set the centre's public address residents' phones open", c.Centre.PublicURL))
	}
	if strings.Contains(strings.ToUpper(c.Hall.Code), "CHANGE-ME") {
		errs = append(errs, errors.New("hall.code: still a placeholder; set the site's code at the centre"))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("the configuration still holds the example's settings (edit it, then restart: systemctl restart fengqiao-hub):\n%w", errors.Join(errs...))
}

// tokenProblem reports what is wrong with hub.tokens[i], or nil.
func (c Config) tokenProblem(i int) error {
	t := c.Hub.Tokens[i]
	lower := strings.ToLower(t.Token)
	switch {
	case t.readErr != nil:
		return fmt.Errorf("hub.tokens[%d] (%s): %w (this account must be in the group fengqiao-%s, or be the hub's)", i, t.Role, t.readErr, t.Role)
	case t.Token == "" && t.File != "":
		return fmt.Errorf("hub.tokens[%d] (%s): missing: %s does not exist or is empty; make it with: dpkg-reconfigure fengqiao (or: openssl rand -hex 16 > %s)", i, t.Role, t.File, t.File)
	case t.Token == "":
		return fmt.Errorf("hub.tokens[%d] (%s): missing", i, t.Role)
	case demoTokens[t.Token] || strings.HasPrefix(lower, "change-me") || strings.HasPrefix(lower, "demo-"):
		return fmt.Errorf("hub.tokens[%d] (%s): still the example's token; make one with: openssl rand -hex 16", i, t.Role)
	}
	return nil
}

// secretsError joins the problems found, or returns nil for none.
func secretsError(errs []error) error {
	err := errors.Join(errs...)
	if err == nil {
		return nil
	}
	return fmt.Errorf("the configuration's secrets are missing or still the demo's or the example's (edit it, then restart: systemctl restart fengqiao-hub):\n%w", err)
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
