// Package spool is the kiosk's durable print queue. A receipt is written to the queue before it
// is printed, one file per job, so that a receipt the printer could not take — out of paper,
// switched off, unplugged — waits and prints when the printer is back, even across a crash or a
// restart of the kiosk. A receipt older than the queue's maximum age is not printed by itself:
// it is marked stale and waits for staff (`fengqiao print-queue print --force ID`), so visitors
// long gone do not get their receipts printed for the next visitor to take.
//
// A job file holds the receipt model as the receipt prints it — the visitor's name masked, no
// ID number or telephone — and the job's state. Files are written atomically (a temporary file,
// fsync, rename, fsync of the folder); a job being printed is renamed to ID.printing, so two
// processes (the kiosk and `fengqiao print-queue`) never print it at once. A job is removed only
// after the printer confirmed it, so every job prints at least once; one whose printer dropped
// the connection part-way may print twice.
package spool

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fengqiao/printing"
)

// Job is one queued receipt.
type Job struct {
	ID        string           `json:"id"`
	Receipt   printing.Receipt `json:"receipt"`
	Queued    time.Time        `json:"queued"`
	Attempts  int              `json:"attempts"`
	LastError string           `json:"last_error,omitempty"` // the last failure, in English
	Stale     bool             `json:"stale,omitempty"`      // older than the maximum age: staff decide
	Printing  bool             `json:"-"`                    // claimed by a process printing it now
}

// Errors of the queue.
var (
	ErrNotFound = errors.New("no such job in the print queue")
	ErrBusy     = errors.New("the job is being printed")
	ErrStale    = errors.New("the receipt is older than the maximum age")
)

// DefaultMaxAge is how old a receipt may be and still print by itself.
const DefaultMaxAge = 10 * time.Minute

// Queue is a print queue in a folder.
type Queue struct {
	dir    string
	maxAge time.Duration
	now    func() time.Time
}

const (
	tmpPrefix  = ".tmp-" // then the writing process's id, the job's ID and a random part
	pendingExt = ".json"
	claimedExt = ".printing"
)

// Open opens the queue in dir, making the folder (readable by its owner only) if needed. A job
// older than maxAge (DefaultMaxAge if zero) does not print without force.
func Open(dir string, maxAge time.Duration) (*Queue, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open print queue: %w", err)
	}
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	return &Queue{dir: dir, maxAge: maxAge, now: time.Now}, nil
}

// SetClock replaces the queue's clock (tests).
func (q *Queue) SetClock(now func() time.Time) { q.now = now }

// MaxAge returns the age after which a job waits for staff.
func (q *Queue) MaxAge() time.Duration { return q.maxAge }

// Age returns how long ago the job was queued.
func (q *Queue) Age(j Job) time.Duration { return q.now().Sub(j.Queued) }

func (q *Queue) path(id, ext string) string { return filepath.Join(q.dir, id+ext) }

// validID refuses IDs that could name a file outside the queue.
func validID(id string) error {
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return fmt.Errorf("job %q: %w", id, ErrNotFound)
	}
	return nil
}

// Add queues r and returns its job once the job is on disk: after a crash it is still there.
func (q *Queue) Add(r printing.Receipt) (Job, error) {
	now := q.now()
	base := now.UTC().Format("20060102-150405") + "-" + cleanTicket(r.Ticket)
	j := Job{ID: base, Receipt: r, Queued: now}
	for n := 2; q.exists(j.ID); n++ {
		j.ID = fmt.Sprintf("%s-%d", base, n)
	}
	if err := q.write(j); err != nil {
		return Job{}, fmt.Errorf("queue receipt %s: %w", r.Ticket, err)
	}
	return j, nil
}

func cleanTicket(t string) string {
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, t)
	if clean == "" {
		return "receipt"
	}
	return clean
}

func (q *Queue) exists(id string) bool {
	for _, ext := range []string{pendingExt, claimedExt} {
		if _, err := os.Lstat(q.path(id, ext)); err == nil {
			return true
		}
	}
	return false
}

// write stores j as ID.json atomically: a temporary file, fsync, rename, fsync of the folder.
func (q *Queue) write(j Job) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(q.dir, tmpPrefix+strconv.Itoa(os.Getpid())+"-"+j.ID+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, q.path(j.ID, pendingExt))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return q.syncDir()
}

// syncDir makes the folder's entries (a rename, a removal) durable.
func (q *Queue) syncDir() error {
	d, err := os.Open(q.dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", q.dir, err)
	}
	return nil
}

func (q *Queue) read(path string) (Job, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Job{}, err
	}
	var j Job
	if err := json.Unmarshal(b, &j); err != nil {
		return Job{}, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return j, nil
}

// Jobs returns every job, the oldest first; those being printed have Printing set.
func (q *Queue) Jobs() ([]Job, error) {
	entries, err := os.ReadDir(q.dir)
	if err != nil {
		return nil, fmt.Errorf("list print queue: %w", err)
	}
	var jobs []Job
	for _, e := range entries {
		name := e.Name()
		ext := filepath.Ext(name)
		if strings.HasPrefix(name, ".") || (ext != pendingExt && ext != claimedExt) {
			continue
		}
		j, err := q.read(filepath.Join(q.dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // printed or claimed meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("list print queue: %w", err)
		}
		j.Printing = ext == claimedExt
		jobs = append(jobs, j)
	}
	slices.SortFunc(jobs, func(a, b Job) int {
		if c := a.Queued.Compare(b.Queued); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return jobs, nil
}

// claim takes the job for printing: ID.json becomes ID.printing, which no other process claims.
func (q *Queue) claim(id string) (Job, error) {
	if err := validID(id); err != nil {
		return Job{}, err
	}
	err := os.Rename(q.path(id, pendingExt), q.path(id, claimedExt))
	if errors.Is(err, fs.ErrNotExist) {
		if q.exists(id) {
			return Job{}, fmt.Errorf("job %s: %w", id, ErrBusy)
		}
		return Job{}, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Job{}, fmt.Errorf("claim job %s: %w", id, err)
	}
	return q.read(q.path(id, claimedExt))
}

// release puts a claimed job back, with its new state.
func (q *Queue) release(j Job) error {
	if err := q.write(j); err != nil {
		return fmt.Errorf("release job %s: %w", j.ID, err)
	}
	return q.remove(j.ID, claimedExt)
}

func (q *Queue) remove(id, ext string) error {
	if err := os.Remove(q.path(id, ext)); err != nil {
		return fmt.Errorf("remove job %s: %w", id, err)
	}
	return q.syncDir()
}

// Discard removes a job without printing it.
func (q *Queue) Discard(id string) error {
	if _, err := q.claim(id); err != nil {
		return fmt.Errorf("discard: %w", err)
	}
	return q.remove(id, claimedExt)
}

// Recover puts back the jobs a process was printing when it died, and removes the temporary
// files of writes it did not finish: those another process made (each temporary file names its
// process; one of this process may be a write under way). Only the kiosk calls it, as it starts:
// it is the one process that adds and prints jobs.
func (q *Queue) Recover() error {
	entries, err := os.ReadDir(q.dir)
	if err != nil {
		return fmt.Errorf("recover print queue: %w", err)
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, tmpPrefix):
			pid, _, _ := strings.Cut(strings.TrimPrefix(name, tmpPrefix), "-")
			if pid != strconv.Itoa(os.Getpid()) {
				errs = append(errs, os.Remove(filepath.Join(q.dir, name)))
			}
		case filepath.Ext(name) == claimedExt:
			id := strings.TrimSuffix(name, claimedExt)
			errs = append(errs, os.Rename(q.path(id, claimedExt), q.path(id, pendingExt)))
		}
	}
	errs = append(errs, q.syncDir())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("recover print queue: %w", err)
	}
	return nil
}
