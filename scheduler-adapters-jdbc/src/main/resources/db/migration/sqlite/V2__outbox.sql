-- The durable outbox (core events.outbox.OutboxStore). id is assigned as MAX(id)+1 inside the inserting
-- transaction, so ids become visible in ascending order (the pull feed's cursor never skips a late commit).
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT,
  envelope TEXT NOT NULL
);
CREATE INDEX outbox_pending_by_run ON outbox (status, run_id, id);
CREATE INDEX outbox_by_tenant ON outbox (tenant_id, id);
CREATE INDEX outbox_by_tenant_status ON outbox (tenant_id, status, id);
