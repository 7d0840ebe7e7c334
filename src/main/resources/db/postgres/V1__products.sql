-- Stored products: every field is fixed at ingest (the id is a UUIDv7, so id order is acceptance order); a
-- redelivered product rewrites its row with the same fields, a new stored_at and where its report is.
CREATE TABLE products (
  id            uuid PRIMARY KEY,
  name          text        NOT NULL,
  description   text,
  price         numeric(12, 2) NOT NULL CHECK (price >= 0),
  currency      char(3)     NOT NULL,
  sku           text,
  category      text,
  created_at    timestamptz NOT NULL,
  stored_at     timestamptz NOT NULL,
  report_key    text        NOT NULL,
  report_offset bigint,     -- with batched reports: the byte range of the product's report in report_key
  report_length integer
);
