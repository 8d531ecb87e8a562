-- The dashboard at a city's size (issue 21). Each site's satisfaction is summed from the ratings
-- of the scope (center.SatisfactionCounter) by an index-only scan of this index, not by reading
-- every rating into the centre.
CREATE INDEX ratings_site_score ON ratings(site_id, score);

