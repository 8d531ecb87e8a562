package center

import "time"

// Lockout is the per-account sign-in lockout: after After failed sign-ins of one account name,
// from any address, each further failure locks the name for First, doubling, at most Max. The
// count lives in the database (WebStore.LoginFailed), so it holds across several centre nodes;
// a success clears it, and a name without a failure for a day starts again from zero. It comes on
// top of the per-address limit.
type Lockout struct {
	After int
	First time.Duration
	Max   time.Duration
}

// DefaultLockout locks after 5 failures for 1 minute, doubling up to 1 hour.
var DefaultLockout = Lockout{After: 5, First: time.Minute, Max: time.Hour}

// Delay returns how long an account is locked after its failures-th failure in a row.
func (l Lockout) Delay(failures int) time.Duration {
	if l.After <= 0 || failures < l.After {
		return 0
	}
	d := l.First
	for i := l.After; i < failures && d < l.Max; i++ {
		d *= 2
	}
	return min(d, l.Max)
}

// LockoutResetAfter is how long without a failure clears an account's count.
const LockoutResetAfter = 24 * time.Hour
