-- Versioned products: a row holds each field with the stamp of the write that set it (stamps, as in DynamoDB), a
-- revision each write of the row compares to (0: stored before versions existed, read as its create), and whether it
-- is shown. A deleted product keeps its row, fields cleared, as a tombstone until expires_at; so does a product that
-- has only been patched so far. Neither has a report.
ALTER TABLE products
  ALTER COLUMN name DROP NOT NULL,
  ALTER COLUMN price DROP NOT NULL,
  ALTER COLUMN currency DROP NOT NULL,
  ALTER COLUMN created_at DROP NOT NULL,
  ALTER COLUMN report_key DROP NOT NULL,
  ADD COLUMN stamps     text,
  ADD COLUMN rev        bigint      NOT NULL DEFAULT 0,
  ADD COLUMN visible    boolean     NOT NULL DEFAULT true,
  ADD COLUMN expires_at timestamptz;
CREATE INDEX products_expires_at ON products (expires_at) WHERE expires_at IS NOT NULL;
