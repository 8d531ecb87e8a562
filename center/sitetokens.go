package center

import (
	"sync"
	"time"
)

// siteTokenTTL is how long a node trusts a hall's token it has checked against the database.
// Every hall pushes and pulls every few seconds, so without it each sync request would read the
// sites table first; with it, a token rotated or revoked elsewhere (another node, the command
// line) still works on this node for at most siteTokenTTL. A rotation on this node's own admin
// page takes effect at once.
const siteTokenTTL = 10 * time.Second

// siteTokens remembers the halls whose tokens this node checked in the last siteTokenTTL, by the
// token's hash. Only a site's id and name are kept: the handlers need no more.
type siteTokens struct {
	mu    sync.Mutex
	known map[string]checkedToken
}

type checkedToken struct {
	site  Site
	until time.Time
}

// get returns the site of a token hash checked less than siteTokenTTL before now.
func (c *siteTokens) get(hash []byte, now time.Time) (Site, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.known[string(hash)]
	if !ok || !now.Before(t.until) || now.Before(t.until.Add(-siteTokenTTL)) {
		return Site{}, false
	}
	return t.site, true
}

// put remembers that the token hash is the site's, as the database said at now.
func (c *siteTokens) put(hash []byte, site Site, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.known == nil || len(c.known) > 4*maxSiteTokens {
		c.known = map[string]checkedToken{} // forget them all rather than grow without end
	}
	c.known[string(hash)] = checkedToken{site: Site{ID: site.ID, Name: site.Name}, until: now.Add(siteTokenTTL)}
}

// forget drops every token of the site: its token was just rotated.
func (c *siteTokens) forget(site int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, t := range c.known {
		if t.site.ID == site {
			delete(c.known, h)
		}
	}
}

// maxSiteTokens is about the most halls one centre serves (a city has 3,000), each with a
// current and a previous token.
const maxSiteTokens = 10000
