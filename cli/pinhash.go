package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"
)

type pinHashOptions struct{}

func newPINHashCmd(e *env) *cobra.Command {
	var o pinHashOptions
	return &cobra.Command{
		Use:   "pin-hash",
		Short: "read a PIN on standard input and print its bcrypt hash for the configuration",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.run(cmd, &o, func(context.Context) error { return runPINHash(e.Streams) })
		},
	}
}

func runPINHash(s Streams) error {
	fmt.Fprintln(s.Err, "PIN (4 to 12 digits), then Enter:")
	line, err := bufio.NewReader(s.In).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("read PIN: %w", err)
	}
	h, err := hashPIN(strings.TrimSpace(line))
	if err != nil {
		return err
	}
	fmt.Fprintln(s.Out, h)
	return nil
}

// checkPIN refuses a PIN that is not 4 to 12 digits.
func checkPIN(pin string) error {
	if len(pin) < 4 || len(pin) > 12 || strings.Trim(pin, "0123456789") != "" {
		return errors.New("a PIN is 4 to 12 digits")
	}
	return nil
}

// hashPIN checks a PIN and returns its bcrypt hash.
func hashPIN(pin string) (string, error) {
	if err := checkPIN(pin); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash PIN: %w", err)
	}
	return string(h), nil
}
