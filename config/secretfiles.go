package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// The files the Debian package keeps the hall's secrets in, apart from the configuration so that
// each account reads only what it needs (docs/install.md, "Who reads what").
const (
	// TokenDir holds one file per role, <role>.token, readable by the hub and the group
	// fengqiao-<role>, and kiosk-pin, the kiosk's leave PIN hash.
	TokenDir = "/etc/fengqiao/tokens"
	// StaffPath holds the staff and their PIN hashes, readable by the hub only.
	StaffPath = "/etc/fengqiao/staff.toml"
)

// StaffFileBody is what a staff file holds: [[staff]] entries.
type StaffFileBody struct {
	Staff []Staff `toml:"staff"`
}

// ReadSecret reads a secret kept in a file of its own: the content without surrounding white
// space. A file that does not exist is an empty secret, not an error.
func ReadSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// ReadStaffFile reads the [[staff]] entries of a staff file; a file that does not exist has none.
func ReadStaffFile(path string) ([]Staff, error) {
	var body StaffFileBody
	_, err := toml.DecodeFile(path, &body)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read staff file %s: %w", path, err)
	}
	return body.Staff, nil
}

// readSecretFiles reads the secrets the configuration keeps in files of their own (token files,
// staff_file, kiosk.staff_pin_file, centre.token_file), relative paths from dir. A file this
// process may not read is no error here: a window console reads only its own token. It is
// remembered for CheckSecrets and CheckRoleSecret, which name it. A setting written both inline
// and as a file is an error.
func (c *Config) readSecretFiles(dir string) error {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	var errs []error
	for i := range c.Hub.Tokens {
		t := &c.Hub.Tokens[i]
		if t.File == "" {
			continue
		}
		if t.Token != "" {
			errs = append(errs, fmt.Errorf("hub.tokens[%d]: token and file exclude each other", i))
			continue
		}
		abs(&t.File)
		t.Token, t.readErr = ReadSecret(t.File)
	}
	secret := func(name string, inline *string, file *string) {
		if *file == "" {
			return
		}
		if *inline != "" {
			errs = append(errs, fmt.Errorf("%s and %s_file exclude each other", name, strings.TrimSuffix(name, "_hash")))
			return
		}
		abs(file)
		v, err := ReadSecret(*file)
		if err != nil {
			c.fileErrs = append(c.fileErrs, fmt.Errorf("%s_file: %w", strings.TrimSuffix(name, "_hash"), err))
		}
		*inline = v
	}
	secret("kiosk.staff_pin_hash", &c.Kiosk.StaffPIN, &c.Kiosk.StaffPINFile)
	secret("centre.token", &c.Centre.Token, &c.Centre.TokenFile)
	if c.StaffFile != "" {
		abs(&c.StaffFile)
		staff, err := ReadStaffFile(c.StaffFile)
		switch {
		case errors.Is(err, fs.ErrPermission):
			c.fileErrs = append(c.fileErrs, fmt.Errorf("staff_file: %w", err))
		case err != nil:
			errs = append(errs, err)
		}
		c.Staff = append(c.Staff, staff...)
	}
	return errors.Join(errs...)
}
