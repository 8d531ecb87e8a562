package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"fengqiao/center/centertest"
)

// TestCrossedSiteLocksDoNotFail takes two sites' locks in opposite orders in two transactions at
// once, as a village's push relaying to the town hall and the town hall's push relaying to the
// village do, on a real PostgreSQL server. PostgreSQL aborts one as a deadlock; inTx must run it
// again, so that both commit.
func TestCrossedSiteLocksDoNotFail(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, centertest.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var ids [2]int64
	for i, name := range []string{"东溪村", "枫桥镇综治中心"} {
		site, err := s.AddSite(ctx, name, []byte("hash-"+name))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = site.ID
	}
	for round := 0; round < 5; round++ {
		var wg sync.WaitGroup
		var runs [2]int
		errs := make([]error, 2)
		// Both transactions hold their first lock before either asks for its second.
		held := make(chan struct{}, 2)
		for i := range 2 {
			first, second := ids[i], ids[1-i]
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.inTx(ctx, func(tx *sql.Tx) error {
					runs[i]++
					if _, err := s.lockSite(ctx, tx, first); err != nil {
						return err
					}
					if runs[i] == 1 {
						held <- struct{}{}
						for len(held) < 2 {
							time.Sleep(time.Millisecond)
						}
					}
					_, err := s.lockSite(ctx, tx, second)
					return err
				})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: transaction %d: %v", round, i, err)
			}
		}
		if runs[0]+runs[1] < 3 {
			t.Fatalf("round %d: runs %v: no transaction was run again, so no deadlock was made", round, runs)
		}
	}
}
