-- Every storage port of the scheduler on PostgreSQL. Records are stored whole as canonical JSON in `doc`; the columns
-- beside it are the keys, filters and sort orders the queries need (so every lookup is an index seek).
CREATE TABLE runs (
  id TEXT COLLATE "C" PRIMARY KEY,
  tenant_id TEXT COLLATE "C" NOT NULL,
  schedule_id TEXT COLLATE "C",
  trigger_kind TEXT COLLATE "C" NOT NULL,
  state TEXT COLLATE "C" NOT NULL,
  active BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  error_code TEXT COLLATE "C",
  policy_revision TEXT COLLATE "C",
  version BIGINT NOT NULL,
  doc TEXT COLLATE "C" NOT NULL
);
CREATE INDEX runs_by_created ON runs (created_ms, id);
CREATE INDEX runs_by_tenant_created ON runs (tenant_id, created_ms, id);
CREATE INDEX runs_active ON runs (active, created_ms, id);

CREATE TABLE segments (
  run_id TEXT COLLATE "C" NOT NULL,
  idx BIGINT NOT NULL,
  fencing_token BIGINT NOT NULL,
  version BIGINT NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (run_id, idx)
);

CREATE TABLE deltas (
  run_id TEXT COLLATE "C" NOT NULL,
  image_digest TEXT COLLATE "C" NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (run_id, image_digest)
);

CREATE TABLE verdicts (
  tenant_id TEXT COLLATE "C" NOT NULL,
  image_digest TEXT COLLATE "C" NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, image_digest)
);

CREATE TABLE images (
  tenant_id TEXT COLLATE "C" NOT NULL,
  digest TEXT COLLATE "C" NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, digest)
);

CREATE TABLE schedules (
  tenant_id TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  enabled BIGINT NOT NULL,
  deleted BIGINT NOT NULL,
  version BIGINT NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE intake_cursors (
  tenant_id TEXT COLLATE "C" NOT NULL,
  source TEXT COLLATE "C" NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, source)
);

CREATE TABLE processed_events (
  tenant_id TEXT COLLATE "C" NOT NULL,
  event_id TEXT COLLATE "C" NOT NULL,
  run_id TEXT COLLATE "C" NOT NULL,
  processed_ms BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, event_id)
);

CREATE TABLE audit (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id TEXT COLLATE "C" NOT NULL,
  occurred_ms BIGINT NOT NULL,
  doc TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_by_tenant ON audit (tenant_id, occurred_ms, seq);

CREATE TABLE run_events (
  run_id TEXT COLLATE "C" NOT NULL,
  seq BIGINT NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE counters (
  name TEXT COLLATE "C" PRIMARY KEY,
  value BIGINT NOT NULL
);

CREATE TABLE queue_messages (
  queue TEXT COLLATE "C" NOT NULL,
  msg_key TEXT COLLATE "C" NOT NULL,
  tenant_id TEXT COLLATE "C" NOT NULL,
  run_id TEXT COLLATE "C" NOT NULL,
  idx BIGINT NOT NULL,
  schedule_id TEXT COLLATE "C",
  available_ms BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  deliveries BIGINT NOT NULL,
  lease_owner TEXT COLLATE "C",
  lease_token BIGINT,
  lease_expires_ms BIGINT,
  PRIMARY KEY (queue, msg_key)
);
CREATE INDEX queue_ready ON queue_messages (queue, available_ms, seq) WHERE lease_token IS NULL;
CREATE INDEX queue_leased ON queue_messages (queue, lease_expires_ms) WHERE lease_token IS NOT NULL;
CREATE INDEX queue_by_run ON queue_messages (run_id);

CREATE TABLE dead_letters (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue TEXT COLLATE "C" NOT NULL,
  msg_key TEXT COLLATE "C" NOT NULL,
  fencing_token BIGINT NOT NULL,
  tenant_id TEXT COLLATE "C" NOT NULL,
  run_id TEXT COLLATE "C" NOT NULL,
  idx BIGINT NOT NULL,
  schedule_id TEXT COLLATE "C",
  reason TEXT COLLATE "C" NOT NULL,
  deliveries BIGINT NOT NULL,
  at_ms BIGINT NOT NULL,
  UNIQUE (queue, msg_key, fencing_token)
);
CREATE INDEX dead_letters_by_tenant ON dead_letters (queue, tenant_id, at_ms, id);

CREATE TABLE locks (
  name TEXT COLLATE "C" PRIMARY KEY,
  owner TEXT COLLATE "C",
  expires_ms BIGINT,
  acquired_ms BIGINT,
  fencing_token BIGINT NOT NULL
);

CREATE TABLE tick_decisions (
  tenant_id TEXT COLLATE "C" NOT NULL,
  schedule_id TEXT COLLATE "C" NOT NULL,
  fire_ms BIGINT NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, schedule_id, fire_ms)
);

CREATE TABLE tick_cursors (
  tenant_id TEXT COLLATE "C" NOT NULL,
  schedule_id TEXT COLLATE "C" NOT NULL,
  last_fire_ms BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, schedule_id)
);
