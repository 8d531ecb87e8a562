package center_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fengqiao/center"
	"fengqiao/center/centertest"
)

// TestReadsFromReplica runs the dashboard on a primary with a real streaming replica
// (FENGQIAO_TEST_POSTGRES_REPLICA) and pauses the replica's replay: a user's own change is on
// their next page at once (read from the primary), while another user's page, read from the
// replica, does not have it until replay resumes; the admin sees the replica's lag.
func TestReadsFromReplica(t *testing.T) {
	ctx := context.Background()
	dsn := centertest.Postgres(t)
	replicaDSN := centertest.PostgresReplica(t, dsn)
	f := newWebFixture(t, dsn)
	hash, _ := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	_, th := center.NewToken()
	for _, err := range []error{f.st.AddUser(ctx, "admin", th, time.Time{}), f.st.SetUserAccess(ctx, "admin", center.RoleAdmin, 0),
		f.st.SetPassword(ctx, "admin", hash)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.AttachReplica(ctx, replicaDSN); err != nil {
		t.Fatal(err)
	}
	replica, err := sql.Open("pgx", replicaDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	caughtUp := func() {
		t.Helper()
		lsn, err := f.st.WriteLSN(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if done, err := f.st.ReplayedPast(ctx, lsn); err != nil || done {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the replica did not replay up to %s in 30 s", lsn)
			}
		}
	}
	caughtUp()

	writer, other, admin := f.browser(t), f.browser(t), f.browser(t)
	_, csrf := writer.signIn("staff", testPassword)
	other.signIn("leader", testPassword)
	admin.signIn("admin", testPassword)
	caughtUp() // the sessions' rows, though they are read from the primary anyway
	page := "/dashboard/cases/" + f.codeA
	const note = "副本测试回访"
	if _, body := admin.do("GET", "/dashboard", nil); !strings.Contains(body, `id="replica-lag"`) ||
		!strings.Contains(body, "只读副本：已同步") {
		t.Errorf("admin's dashboard before the pause lacks the replica's state")
	}
	if _, body := other.do("GET", "/dashboard", nil); strings.Contains(body, "replica-lag") {
		t.Errorf("a leader is shown the replica's lag")
	}

	if _, err := replica.ExecContext(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			if _, err := replica.ExecContext(ctx, "SELECT pg_wal_replay_resume()"); err != nil {
				t.Error(err)
			}
		}
	}
	defer resume()

	status, _ := raw(t, writer, "POST", page+"/followup", url.Values{"csrf": {csrf}, "result": {center.FollowUpOutcomes[0]}, "note": {note}})
	if status != http.StatusSeeOther {
		t.Fatalf("follow-up: %d", status)
	}
	if !hasCookie(writer, f.srv.URL, "fq_lsn") {
		t.Errorf("the writer's change left no WAL position cookie")
	}
	if _, body := raw(t, writer, "GET", page, nil); !strings.Contains(body, note) {
		t.Errorf("the writer's next page lacks their own follow-up (read your writes)")
	}
	if _, body := raw(t, other, "GET", page, nil); strings.Contains(body, note) {
		t.Errorf("another user's page has the follow-up while the replica's replay is paused: not read from the replica")
	}
	if _, body := admin.do("GET", "/dashboard", nil); !strings.Contains(body, "落后") || !strings.Contains(body, "重放已暂停") {
		t.Errorf("admin's dashboard does not show the replica behind and paused")
	}

	resume()
	caughtUp()
	if _, body := raw(t, other, "GET", page, nil); !strings.Contains(body, note) {
		t.Errorf("another user's page lacks the follow-up after the replica replayed it")
	}
	raw(t, writer, "GET", page, nil) // the replica has the change now: the cookie goes
	if hasCookie(writer, f.srv.URL, "fq_lsn") {
		t.Errorf("the WAL position cookie stays after the replica caught up")
	}
}

func hasCookie(b *browser, base, name string) bool {
	u, _ := url.Parse(base + "/")
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return true
		}
	}
	return false
}
