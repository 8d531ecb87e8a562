package center

import (
	"context"
	"slices"
	"sync"
)

// siteMemo holds the sites read once in a request: a page of a city's dashboard needs all 3,000
// of them for its banner, its catalogue and its view, and reading them is the dearest of its
// small queries.
type siteMemo struct {
	once  sync.Once
	sites []Site
	err   error
}

type siteMemoKey struct{}

// withSiteMemo returns a context in which Server.sites reads the sites once.
func withSiteMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, siteMemoKey{}, &siteMemo{})
}

// sites returns every site: read once per request when the request's context has a memo
// (withSiteMemo), else read now. Each call gets its own slice, free to change.
func (s *Server) sites(ctx context.Context) ([]Site, error) {
	m, ok := ctx.Value(siteMemoKey{}).(*siteMemo)
	if !ok {
		return s.web.Sites(ctx)
	}
	m.once.Do(func() { m.sites, m.err = s.web.Sites(ctx) })
	return slices.Clone(m.sites), m.err
}
