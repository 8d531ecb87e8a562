-- A hall's previous token is looked up by its hash during the overlap after a rotation
-- (Authenticate's second look-up); without an index that read every site on every sync request
-- that did not carry the current token.
CREATE INDEX sites_old_token ON sites (old_token_hash) WHERE old_token_hash IS NOT NULL;
