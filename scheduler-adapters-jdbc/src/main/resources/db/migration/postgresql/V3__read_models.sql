-- Tables for the ports added after V1: the execution read model (ProgressStore), the advisory catalog, policy runs
-- and the image change log. Numbered 3 because feat/outbox's V2__outbox.sql holds 2 (versions need only increase).

-- One row per run: every counter is a column, so a segment transition is one UPDATE of increments (atomic per
-- run under the row lock) and the backlog is one GROUP BY over the active rows.
CREATE TABLE run_progress (
  run_id TEXT COLLATE "C" PRIMARY KEY,
  tenant_id TEXT COLLATE "C" NOT NULL,
  schedule_id TEXT COLLATE "C",
  mode TEXT COLLATE "C" NOT NULL,
  state TEXT COLLATE "C",
  active BIGINT NOT NULL,
  seg_queued BIGINT NOT NULL,
  seg_leased BIGINT NOT NULL,
  seg_running BIGINT NOT NULL,
  seg_completed BIGINT NOT NULL,
  seg_failed BIGINT NOT NULL,
  seg_dead BIGINT NOT NULL,
  seg_cancelled BIGINT NOT NULL,
  pending_segments BIGINT NOT NULL,
  pending_targets BIGINT NOT NULL,
  cancelled_targets BIGINT NOT NULL,
  done_completed BIGINT NOT NULL,
  done_failed BIGINT NOT NULL,
  done_deltas BIGINT NOT NULL,
  done_new_criticals BIGINT NOT NULL,
  done_new_high BIGINT NOT NULL,
  done_new_medium BIGINT NOT NULL,
  done_new_low BIGINT NOT NULL,
  done_resolved BIGINT NOT NULL,
  done_quieted BIGINT NOT NULL,
  done_kev_hits BIGINT NOT NULL
);
CREATE INDEX run_progress_active ON run_progress (active, tenant_id);

-- Per segment: the attempt token in-flight reports must reach, and the progress its holder reported so far.
CREATE TABLE progress_segments (
  run_id TEXT COLLATE "C" NOT NULL,
  idx BIGINT NOT NULL,
  attempt_token BIGINT NOT NULL,
  in_flight TEXT COLLATE "C",
  PRIMARY KEY (run_id, idx)
);

CREATE TABLE advisory_ids (
  tenant_id TEXT COLLATE "C" NOT NULL,
  vulnerability_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, vulnerability_id)
);

CREATE TABLE advisory_purls (
  tenant_id TEXT COLLATE "C" NOT NULL,
  vulnerability_id TEXT COLLATE "C" NOT NULL,
  purl TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, vulnerability_id, purl)
);

CREATE TABLE policy_runs (
  tenant_id TEXT COLLATE "C" NOT NULL,
  policy_run_id TEXT COLLATE "C" NOT NULL,
  policy_id TEXT COLLATE "C" NOT NULL,
  planned BIGINT NOT NULL,
  requested_s BIGINT NOT NULL,
  requested_nanos BIGINT NOT NULL,
  doc TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, policy_run_id)
);
CREATE INDEX policy_runs_planned ON policy_runs (tenant_id, policy_id, planned, requested_s, requested_nanos, policy_run_id);

-- seq comes from the counters row 'images:changes', whose lock is held to commit: seq order is commit order, and
-- at_ns never goes below the previous change's, so (at, seq) order is seq order and a reader never skips a change.
CREATE TABLE image_changes (
  seq BIGINT PRIMARY KEY,
  at_ns BIGINT NOT NULL,
  tenant_id TEXT COLLATE "C" NOT NULL,
  digest TEXT COLLATE "C" NOT NULL,
  image TEXT COLLATE "C"
);
CREATE INDEX image_changes_at_seq ON image_changes (at_ns, seq);

-- Fair-share claims look up the next tenant and run among ready messages, then that run's oldest one.
CREATE INDEX queue_fair ON queue_messages (queue, tenant_id, run_id, available_ms, seq) WHERE lease_token IS NULL;
