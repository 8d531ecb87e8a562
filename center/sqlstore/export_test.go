package sqlstore

import (
	"context"
	"time"

	"fengqiao/center"
	"fengqiao/wire"
)

// ApplyGroup applies the pushes (sites[i] pushing reqs[i]) as one group of the push queue
// would, and returns each one's reply and error, and how many were applied together.
func (s *Store) ApplyGroup(ctx context.Context, sites []int64, reqs []wire.PushRequest) ([]wire.PushReply, []error, int) {
	group := make([]*queuedPush, len(sites))
	for i := range sites {
		decoded, err := center.Decode(reqs[i].Events)
		if err != nil {
			panic(err)
		}
		group[i] = &queuedPush{push: &push{site: sites[i], req: reqs[i], events: decoded}, ctx: ctx,
			done: make(chan pushResult, 1)}
	}
	together := s.applyGroup(ctx, group)
	replies, errs := make([]wire.PushReply, len(sites)), make([]error, len(sites))
	for i, q := range group {
		r := <-q.done
		replies[i], errs[i] = r.reply, r.err
	}
	return replies, errs, together
}

// SetClock makes the store read the time from now.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// GroupedPushes returns how many pushes the push queue has applied in groups.
func (s *Store) GroupedPushes() int64 { return s.groups.grouped.Load() }
