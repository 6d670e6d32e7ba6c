-- Every storage port of the scheduler on SQLite. Records are stored whole as canonical JSON in `doc`; the columns
-- beside it are the keys, filters and sort orders the queries need (so every lookup is an index seek).
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  schedule_id TEXT,
  trigger_kind TEXT NOT NULL,
  state TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  error_code TEXT,
  policy_revision TEXT,
  version INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX runs_by_created ON runs (created_ms, id);
CREATE INDEX runs_by_tenant_created ON runs (tenant_id, created_ms, id);
CREATE INDEX runs_active ON runs (active, created_ms, id);

CREATE TABLE segments (
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  fencing_token INTEGER NOT NULL,
  version INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (run_id, idx)
);

CREATE TABLE deltas (
  run_id TEXT NOT NULL,
  image_digest TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (run_id, image_digest)
);

CREATE TABLE verdicts (
  tenant_id TEXT NOT NULL,
  image_digest TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (tenant_id, image_digest)
);

CREATE TABLE images (
  tenant_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (tenant_id, digest)
);

CREATE TABLE schedules (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  version INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE intake_cursors (
  tenant_id TEXT NOT NULL,
  source TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (tenant_id, source)
);

CREATE TABLE processed_events (
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  processed_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, event_id)
);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  occurred_ms INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX audit_by_tenant ON audit (tenant_id, occurred_ms, seq);

CREATE TABLE run_events (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);

CREATE TABLE queue_messages (
  queue TEXT NOT NULL,
  msg_key TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  schedule_id TEXT,
  available_ms INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  deliveries INTEGER NOT NULL,
  lease_owner TEXT,
  lease_token INTEGER,
  lease_expires_ms INTEGER,
  PRIMARY KEY (queue, msg_key)
);
CREATE INDEX queue_ready ON queue_messages (queue, available_ms, seq) WHERE lease_token IS NULL;
CREATE INDEX queue_leased ON queue_messages (queue, lease_expires_ms) WHERE lease_token IS NOT NULL;
CREATE INDEX queue_by_run ON queue_messages (run_id);

CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  msg_key TEXT NOT NULL,
  fencing_token INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  schedule_id TEXT,
  reason TEXT NOT NULL,
  deliveries INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  UNIQUE (queue, msg_key, fencing_token)
);
CREATE INDEX dead_letters_by_tenant ON dead_letters (queue, tenant_id, at_ms, id);

CREATE TABLE locks (
  name TEXT PRIMARY KEY,
  owner TEXT,
  expires_ms INTEGER,
  acquired_ms INTEGER,
  fencing_token INTEGER NOT NULL
);

CREATE TABLE tick_decisions (
  tenant_id TEXT NOT NULL,
  schedule_id TEXT NOT NULL,
  fire_ms INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (tenant_id, schedule_id, fire_ms)
);

CREATE TABLE tick_cursors (
  tenant_id TEXT NOT NULL,
  schedule_id TEXT NOT NULL,
  last_fire_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, schedule_id)
);
