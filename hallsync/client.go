package hallsync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"fengqiao/wire"
)

// CentreError is an error reply of the centre.
type CentreError struct {
	Status  int    // HTTP status
	Code    string // the error code of the reply, e.g. "invalid" or "unauthorized"
	Message string
}

func (e *CentreError) Error() string {
	return fmt.Sprintf("centre replied %d %s: %s", e.Status, e.Code, e.Message)
}

// maxReply bounds a reply body.
const maxReply = 16 << 20

// call sends a JSON request to the centre and decodes the JSON reply into out.
func (w *Worker) call(ctx context.Context, method, path string, query url.Values, in, out any) error {
	u := *w.base
	u.Path += path
	u.RawQuery = query.Encode()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+w.cfg.Token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set(epochHeader, w.db.Epoch())
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return fmt.Errorf("%s %s: read reply: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e wire.ErrorReply
		if json.Unmarshal(b, &e) != nil || e.Code == "" {
			e = wire.ErrorReply{Error: http.StatusText(resp.StatusCode), Code: "http"}
		}
		return fmt.Errorf("%s %s: %w", method, path, &CentreError{Status: resp.StatusCode, Code: e.Code, Message: e.Error})
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode reply: %w", method, path, err)
	}
	return nil
}
