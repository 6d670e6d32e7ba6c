-- The durable outbox (core events.outbox.OutboxStore). id is assigned as MAX(id)+1 inside the inserting
-- transaction (a concurrent insert of the same id waits and then conflicts), so ids become visible in ascending
-- order and the pull feed's cursor never skips a late commit, unlike a sequence.
CREATE TABLE outbox (
  id BIGINT PRIMARY KEY,
  idempotency_key TEXT COLLATE "C" NOT NULL UNIQUE,
  run_id TEXT COLLATE "C" NOT NULL,
  tenant_id TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_ms BIGINT NOT NULL,
  last_error TEXT,
  envelope TEXT COLLATE "C" NOT NULL
);
CREATE INDEX outbox_pending_by_run ON outbox (status, run_id, id);
CREATE INDEX outbox_by_tenant ON outbox (tenant_id, id);
CREATE INDEX outbox_by_tenant_status ON outbox (tenant_id, status, id);
