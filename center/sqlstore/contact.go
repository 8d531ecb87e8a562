package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"fengqiao/center"
	"fengqiao/wire"
)

var _ center.ContactStore = (*Store)(nil)

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
const siteColumns = "id, name, applied_through, last_seq, phone, last_push_at, last_pull_at, backlog, catalogue"

// scanSite reads a row of siteColumns. A catalogue the centre cannot read counts as none.
func scanSite(row scanner) (center.Site, error) {
	var site center.Site
	var push, pull sql.NullInt64
	var cat string
	if err := row.Scan(&site.ID, &site.Name, &site.AppliedThrough, &site.LastSeq, &site.Phone, &push, &pull,
		&site.Backlog, &cat); err != nil {
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
