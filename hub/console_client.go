package hub

import (
	"context"
	"net/http"

	"fengqiao/app"
)

var _ app.Console = (*Client)(nil)

// SignIn implements app.Console.
func (c *Client) SignIn(ctx context.Context, req app.SignInRequest) (app.StaffSession, error) {
	var s app.StaffSession
	_, err := c.do(ctx, http.MethodPost, "/api/v1/staff/sign-in", req, &s)
	return s, err
}

// SignOut implements app.Console.
func (c *Client) SignOut(ctx context.Context, session string) error {
	_, err := c.do(ctx, http.MethodPost, "/api/v1/staff/sign-out", SessionRequest{Session: session}, nil)
	return err
}

// CallNext implements app.Console.
func (c *Client) CallNext(ctx context.Context, session string) (app.Ticket, error) {
	return c.ticket(ctx, "/api/v1/staff/call-next", SessionRequest{Session: session})
}

// History implements app.Console.
func (c *Client) History(ctx context.Context, session string) (app.VisitorHistory, error) {
	var h app.VisitorHistory
	_, err := c.do(ctx, http.MethodPost, "/api/v1/staff/history", SessionRequest{Session: session}, &h)
	return h, err
}

// Reveal implements app.Console.
func (c *Client) Reveal(ctx context.Context, session string) (app.Visitor, error) {
	var v app.Visitor
	_, err := c.do(ctx, http.MethodPost, "/api/v1/staff/reveal", SessionRequest{Session: session}, &v)
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
