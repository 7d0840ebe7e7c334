-- Client idempotency keys: the first request with a key claims it with the ids of its products (in request order)
-- and their acceptance time; a repeat within the window gets them back. queued: which of them SQS took (a bit per
-- product, as java.util.BitSet writes it), null until known.
CREATE TABLE idempotency_keys (
  key          text PRIMARY KEY,
  request_hash text        NOT NULL,
  created_at   timestamptz NOT NULL,
  product_ids  uuid[]      NOT NULL,
  queued       bytea,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
