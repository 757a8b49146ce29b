-- The consumer's tables (prisma/schema.prisma), made on the primary; they replicate to the standbys.
-- Idempotent: a run that died before its cleanup leaves them, and the next run reuses them.
CREATE TABLE IF NOT EXISTS pack_author (
  id   serial PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE IF NOT EXISTS pack_book (
  id        serial PRIMARY KEY,
  title     text NOT NULL,
  author_id integer NOT NULL REFERENCES pack_author (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS pack_book_author_id_idx ON pack_book (author_id);
