package center_test

import (
	"io"
	"net/http"
	"testing"

	"fengqiao/app"
	"fengqiao/center/centertest"
)

// BenchmarkTrackingPage requests the tracking pages of a known case (found) and of wrong codes
// (not found, then refused) from parallel clients through the real server, on SQLite and, when
// FENGQIAO_TEST_POSTGRES is set, on PostgreSQL. The load generator runs in the same process.
func BenchmarkTrackingPage(b *testing.B) {
	for _, be := range centertest.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			f := newWebFixture(b, be.DSN(b))
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
			for _, c := range []struct {
				name string
				path func() string
			}{
				{"found", func() string { return "/t/" + f.codeA }},
				{"wrong", func() string { return "/t/" + app.NewCaseCode() }},
			} {
				b.Run(c.name, func(b *testing.B) {
					b.SetParallelism(8) // 16 clients on 2 cores, as fengqiao-center bench
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							resp, err := client.Get(f.srv.URL + c.path())
							if err != nil {
								b.Error(err)
								return
							}
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound &&
								resp.StatusCode != http.StatusTooManyRequests {
								b.Errorf("status %d", resp.StatusCode)
								return
							}
						}
					})
				})
			}
		})
	}
}
