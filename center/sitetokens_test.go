package center

import (
	"testing"
	"time"
)

func TestSiteTokens(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var c siteTokens
	a, b := []byte("hash-a"), []byte("hash-b")
	c.put(a, Site{ID: 1, Name: "枫源村", AppliedThrough: 99, Catalogue: nil}, t0)
	c.put(b, Site{ID: 2, Name: "栎桥村"}, t0)
	tests := []struct {
		name string
		hash []byte
		at   time.Time
		want int64 // the site found, 0 for none
	}{
		{"just checked", a, t0, 1},
		{"within the time to live", a, t0.Add(siteTokenTTL - time.Nanosecond), 1},
		{"at the end of it", a, t0.Add(siteTokenTTL), 0},
		{"the clock went back", a, t0.Add(-time.Second), 0},
		{"another site's token", b, t0.Add(time.Second), 2},
		{"a token never checked", []byte("hash-c"), t0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, ok := c.get(tt.hash, tt.at)
			if ok != (tt.want != 0) || site.ID != tt.want {
				t.Errorf("get: %+v, %v; want site %d", site, ok, tt.want)
			}
			if ok && (site.AppliedThrough != 0 || site.Name == "") {
				t.Errorf("the cache keeps more than the id and name: %+v", site)
			}
		})
	}
	c.forget(1)
	if _, ok := c.get(a, t0); ok {
		t.Error("a rotated site's token is still trusted")
	}
	if _, ok := c.get(b, t0); !ok {
		t.Error("forgetting one site forgot another")
	}
	for i := range 4*maxSiteTokens + 1 {
		c.put([]byte{byte(i), byte(i >> 8), byte(i >> 16)}, Site{ID: int64(i)}, t0)
	}
	if n := len(c.known); n > 4*maxSiteTokens+1 {
		t.Errorf("the cache grew to %d tokens", n)
	}
}

func TestPullMarks(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var m pullMarks
	steps := []struct {
		name string
		site int64
		at   time.Time
		want bool
	}{
		{"a site's first pull is recorded", 1, t0, true},
		{"its next pull, 5 s on, is not", 1, t0.Add(5 * time.Second), false},
		{"another site's first pull is", 2, t0.Add(5 * time.Second), true},
		{"just before the interval, not", 1, t0.Add(pullMarkEvery - time.Nanosecond), false},
		{"once the interval passed, again", 1, t0.Add(pullMarkEvery), true},
		{"a clock set back records at once", 1, t0, true},
	}
	for _, s := range steps {
		if got := m.due(s.site, s.at); got != s.want {
			t.Errorf("%s: due %v, want %v", s.name, got, s.want)
		}
	}
	m.forget(2)
	if !m.due(2, t0.Add(6*time.Second)) {
		t.Error("after a failed write the site's next pull is not recorded")
	}
}
