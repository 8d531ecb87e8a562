package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// maxDays is the longest period a Days flag takes: a century, far inside time.Duration.
const maxDays = 36500

// Days is a period in whole days, a flag written 1095d or 1095. The zero Days is unset.
type Days int

var _ pflag.Value = (*Days)(nil)

// Set implements pflag.Value.
func (d *Days) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if err != nil || n < 1 || n > maxDays {
		return fmt.Errorf("want a number of days from 1 to %d, e.g. 1095d", maxDays)
	}
	*d = Days(n)
	return nil
}

// String implements pflag.Value.
func (d *Days) String() string {
	if *d == 0 {
		return "0"
	}
	return strconv.Itoa(int(*d)) + "d"
}

// Type implements pflag.Value.
func (d *Days) Type() string { return "days" }

// Duration returns the period as a time.Duration.
func (d Days) Duration() time.Duration { return time.Duration(d) * 24 * time.Hour }
