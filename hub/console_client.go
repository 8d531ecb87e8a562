package hub

import (
	"context"
	"net/http"

	"fengqiao/app"
)

var _ app.Console = (*Client)(nil)

// SignIn implements app.Console. The client then acts for the new session.
func (c *Client) SignIn(ctx context.Context, req app.SignInRequest) (app.StaffSession, error) {
	var s app.StaffSession
	_, err := c.do(ctx, http.MethodPost, "/api/v1/staff/sign-in", req, &s)
	if err == nil {
		c.SetSession(s.Token)
	}
	return s, err
}

// SignOut implements app.Console.
func (c *Client) SignOut(ctx context.Context, session string) error {
	_, err := c.doAs(ctx, session, http.MethodPost, "/api/v1/staff/sign-out", nil, nil)
	c.mu.Lock()
	if c.session == session {
		c.session = ""
	}
	c.mu.Unlock()
	return err
}

// CallNext implements app.Console.
func (c *Client) CallNext(ctx context.Context, session string) (app.Ticket, error) {
	return c.ticketAs(ctx, session, "/api/v1/staff/call-next", nil)
}

// History implements app.Console.
func (c *Client) History(ctx context.Context, session string) (app.VisitorHistory, error) {
	var h app.VisitorHistory
	_, err := c.doAs(ctx, session, http.MethodPost, "/api/v1/staff/history", nil, &h)
	return h, err
}

// Reveal implements app.Console.
func (c *Client) Reveal(ctx context.Context, session string) (app.Visitor, error) {
	var v app.Visitor
	_, err := c.doAs(ctx, session, http.MethodPost, "/api/v1/staff/reveal", nil, &v)
	return v, err
}

// WindowStats implements app.Console.
func (c *Client) WindowStats(ctx context.Context, window int) (app.WindowStats, error) {
	var st app.WindowStats
	_, err := c.do(ctx, http.MethodGet, winPath(window, "stats"), nil, &st)
	return st, err
}

// Rate implements app.Console.
func (c *Client) Rate(ctx context.Context, req app.RateRequest) (app.Rating, error) {
	var r app.Rating
	_, err := c.do(ctx, http.MethodPost, "/api/v1/ratings", req, &r)
	return r, err
}

// Ratings implements app.Console.
func (c *Client) Ratings(ctx context.Context, flaggedOnly bool) ([]app.Rating, error) {
	path := "/api/v1/ratings"
	if flaggedOnly {
		path += "?flagged=1"
	}
	var rs []app.Rating
	_, err := c.do(ctx, http.MethodGet, path, nil, &rs)
	return rs, err
}
