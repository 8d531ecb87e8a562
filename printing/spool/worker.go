package spool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"fengqiao/devices/printer"
	"fengqiao/internal/backoff"
	"fengqiao/printing"
)

// PrintFunc prints one receipt and returns the paper status after it (receiptprint.Print with
// the kiosk's printer).
type PrintFunc func(ctx context.Context, r printing.Receipt) (printer.PaperStatus, error)

// Print prints the job id with print and removes it once printed. A stale job, or one older
// than the maximum age, is not printed unless force is set: it is marked stale and ErrStale
// returned. A failed job stays queued with its error.
func (q *Queue) Print(ctx context.Context, id string, force bool, print PrintFunc) (printer.PaperStatus, error) {
	j, err := q.claim(id)
	if err != nil {
		return printer.PaperUnknown, err
	}
	if !force && (j.Stale || q.Age(j) > q.maxAge) {
		j.Stale = true
		if err := q.release(j); err != nil {
			return printer.PaperUnknown, err
		}
		return printer.PaperUnknown, fmt.Errorf("job %s, queued %s ago: %w", id, q.Age(j).Round(time.Second), ErrStale)
	}
	st, perr := print(ctx, j.Receipt)
	if perr == nil {
		return st, q.remove(id, claimedExt)
	}
	j.Attempts++
	j.LastError = perr.Error()
	if err := q.release(j); err != nil {
		return st, errors.Join(perr, err)
	}
	return st, perr
}

// Condition is the printer's condition as the last print found it.
type Condition int

// Conditions.
const (
	Unknown    Condition = iota // nothing printed yet
	Ready                       // the last receipt printed
	NearEnd                     // printed, and the roll is nearly used up
	PaperOut                    // the printer has no paper
	NoResponse                  // the printer cannot be reached or does not answer
	Failed                      // any other failure
)

// ConditionOf returns the condition a print's result shows.
func ConditionOf(st printer.PaperStatus, err error) Condition {
	switch {
	case errors.Is(err, printer.ErrPaperOut) || st == printer.PaperOut:
		return PaperOut
	case err != nil && printer.IsUnreachable(err):
		return NoResponse
	case err != nil:
		return Failed
	case st == printer.PaperNearEnd:
		return NearEnd
	}
	return Ready
}

// Label returns the condition in Chinese, as `fengqiao doctor` shows it: 就绪, 纸将用尽, 缺纸,
// 无响应, 故障, or 未使用 before the first print.
func (c Condition) Label() string {
	return [...]string{Unknown: "未使用", Ready: "就绪", NearEnd: "纸将用尽", PaperOut: "缺纸", NoResponse: "无响应", Failed: "故障"}[c]
}

// Alert returns the reason of the staff alert the condition calls for (打印机缺纸, 打印机无响应,
// 纸将用尽, 打印失败), or "" when it calls for none.
func (c Condition) Alert() string {
	switch c {
	case PaperOut:
		return "打印机缺纸"
	case NoResponse:
		return "打印机无响应"
	case NearEnd:
		return "纸将用尽"
	case Failed:
		return "打印失败"
	}
	return ""
}

// Worker prints a queue's jobs in order, retrying with backoff while the printer fails. Jobs
// older than the queue's maximum age are left, marked stale.
type Worker struct {
	q     *Queue
	print PrintFunc
	opts  WorkerOptions
	wake  chan struct{}

	mu      sync.Mutex
	cond    Condition
	waiters map[string]chan error
}

// WorkerOptions configure a Worker.
type WorkerOptions struct {
	// MinRetry and MaxRetry bound the wait between attempts while the printer fails: the wait
	// starts at MinRetry (2 s if zero) and doubles up to MaxRetry (1 min if zero).
	MinRetry, MaxRetry time.Duration
	// Wait bounds how long PrintReceipt waits for its receipt to print (30 s if zero); the
	// receipt stays queued after.
	Wait time.Duration
	// OnChange is called, from the worker's goroutine, when the printer's condition changes.
	OnChange func(Condition)
}

// NewWorker returns a worker printing q's jobs with print. Start it with Run.
func NewWorker(q *Queue, print PrintFunc, opts WorkerOptions) *Worker {
	if opts.MinRetry <= 0 {
		opts.MinRetry = 2 * time.Second
	}
	if opts.MaxRetry < opts.MinRetry {
		opts.MaxRetry = max(time.Minute, opts.MinRetry)
	}
	if opts.Wait <= 0 {
		opts.Wait = 30 * time.Second
	}
	return &Worker{q: q, print: print, opts: opts, wake: make(chan struct{}, 1), waiters: map[string]chan error{}}
}

// Condition returns the printer's condition as the last print found it.
func (w *Worker) Condition() Condition {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cond
}

// ErrQueued is wrapped by PrintReceipt's error when the receipt did not print in time: it stays
// queued and prints when it can.
var ErrQueued = errors.New("receipt queued, not printed yet")

// PrintReceipt queues r and waits until it is printed, its printing failed (it stays queued and
// is retried), or the worker's Wait has passed. Run must be running.
func (w *Worker) PrintReceipt(ctx context.Context, r printing.Receipt) error {
	done := make(chan error, 1)
	w.mu.Lock() // held across Add, so the worker cannot print the job before the waiter is in
	j, err := w.q.Add(r)
	if err == nil {
		w.waiters[j.ID] = done
	}
	w.mu.Unlock()
	if err != nil {
		return err
	}
	w.Wake()
	t := time.NewTimer(w.opts.Wait)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		err = fmt.Errorf("receipt %s: %w", r.Ticket, ErrQueued)
	case <-ctx.Done():
		err = fmt.Errorf("receipt %s: %w: %w", r.Ticket, ErrQueued, ctx.Err())
	}
	w.mu.Lock()
	delete(w.waiters, j.ID)
	w.mu.Unlock()
	return err
}

// Wake makes the worker try the queue now.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run puts back the jobs a crash interrupted, then prints the queue until ctx ends: at once,
// whenever a job is added or Wake is called, and after a failure with backoff.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.q.Recover(); err != nil {
		return err
	}
	b := backoff.Backoff{Min: w.opts.MinRetry, Max: w.opts.MaxRetry}
	for {
		var wait <-chan time.Time // idle: only a wake
		if err := w.drain(ctx); err != nil {
			wait = time.After(b.Wait())
			b.Fail()
		} else {
			b.Reset()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-wait:
		}
	}
}

// drain prints the jobs that may print, oldest first, and stops at the first failure.
func (w *Worker) drain(ctx context.Context) error {
	jobs, err := w.q.Jobs()
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if j.Stale || j.Printing {
			continue
		}
		st, err := w.q.Print(ctx, j.ID, false, w.print)
		switch {
		case errors.Is(err, ErrStale), errors.Is(err, ErrNotFound), errors.Is(err, ErrBusy):
			w.finish(j.ID, err) // left for staff, or taken by another process
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		}
		w.setCondition(ConditionOf(st, err))
		if err != nil {
			w.failAll(err)
			return err
		}
		w.finish(j.ID, nil)
	}
	return nil
}

func (w *Worker) finish(id string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ch, ok := w.waiters[id]; ok {
		ch <- err
		delete(w.waiters, id)
	}
}

// failAll tells every waiting receipt that printing failed: it stays queued.
func (w *Worker) failAll(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, ch := range w.waiters {
		ch <- err
		delete(w.waiters, id)
	}
}

func (w *Worker) setCondition(c Condition) {
	w.mu.Lock()
	changed := c != w.cond
	w.cond = c
	w.mu.Unlock()
	if changed && w.opts.OnChange != nil {
		w.opts.OnChange(c)
	}
}
