package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/wire"
)

var (
	_ center.ContactStore        = (*Store)(nil)
	_ center.RatingFollowUpStore = (*Store)(nil)
)

// AddRatingFollowUp implements center.RatingFollowUpStore.
func (s *Store) AddRatingFollowUp(ctx context.Context, site, rating int64, f center.RatingFollowUp) (string, error) {
	var code string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.rebind("SELECT case_code FROM ratings WHERE site_id = ? AND rating_id = ?"),
			site, rating).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return app.Errorf(app.ENOTFOUND, "no such rating")
		}
		if err != nil {
			return dbErr("find rating", err)
		}
		_, err = tx.ExecContext(ctx, s.rebind(`INSERT INTO rating_followups (site_id, rating_id, at, by_name, result, note)
			VALUES (?, ?, ?, ?, ?, ?)`), site, rating, micros(f.At), f.By, f.Result, f.Note)
		return dbErr("record rating follow-up", err)
	})
	return code, err
}

// RecordContact implements center.ContactStore.
func (s *Store) RecordContact(ctx context.Context, site int64, c center.Contact) error {
	if c.Pull {
		return s.updateOne(ctx, "record pull", "no such site", "UPDATE sites SET last_pull_at = ? WHERE id = ?",
			micros(c.At), site)
	}
	if c.Catalogue == nil {
		return s.updateOne(ctx, "record push", "no such site", "UPDATE sites SET last_push_at = ?, backlog = ? WHERE id = ?",
			micros(c.At), c.Backlog, site)
	}
	b, err := json.Marshal(c.Catalogue)
	if err != nil {
		return fmt.Errorf("record push: encode catalogue: %w", err)
	}
	return s.updateOne(ctx, "record push", "no such site",
		"UPDATE sites SET last_push_at = ?, backlog = ?, catalogue = ?, catalogue_at = ? WHERE id = ?",
		micros(c.At), c.Backlog, string(b), micros(c.At), site)
}

// siteColumns are the columns scanSite reads, from the sites table.
const siteColumns = "id, name, applied_through, last_seq, phone, last_push_at, last_pull_at, backlog, catalogue, coalesce(region_id, 0)"

// scanSite reads a row of siteColumns. A catalogue the centre cannot read counts as none.
func scanSite(row scanner) (center.Site, error) {
	var site center.Site
	var push, pull sql.NullInt64
	var cat string
	if err := row.Scan(&site.ID, &site.Name, &site.AppliedThrough, &site.LastSeq, &site.Phone, &push, &pull,
		&site.Backlog, &cat, &site.Town); err != nil {
		return site, err
	}
	site.LastPushAt, site.LastPullAt = fromMicros(push), fromMicros(pull)
	if cat != "" {
		var c wire.Catalogue
		if json.Unmarshal([]byte(cat), &c) == nil {
			site.Catalogue = &c
		}
	}
	return site, nil
}
