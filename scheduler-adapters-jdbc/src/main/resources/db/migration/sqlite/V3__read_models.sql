-- Tables for the ports added after V1: the execution read model (ProgressStore), the advisory catalog, policy runs
-- and the image change log. Numbered 3 because feat/outbox's V2__outbox.sql holds 2 (versions need only increase).

-- One row per run: every counter is a column, so a segment transition is one UPDATE of increments (atomic per
-- run under the row lock) and the backlog is one GROUP BY over the active rows.
CREATE TABLE run_progress (
  run_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  schedule_id TEXT,
  mode TEXT NOT NULL,
  state TEXT,
  active INTEGER NOT NULL,
  seg_queued INTEGER NOT NULL,
  seg_leased INTEGER NOT NULL,
  seg_running INTEGER NOT NULL,
  seg_completed INTEGER NOT NULL,
  seg_failed INTEGER NOT NULL,
  seg_dead INTEGER NOT NULL,
  seg_cancelled INTEGER NOT NULL,
  pending_segments INTEGER NOT NULL,
  pending_targets INTEGER NOT NULL,
  cancelled_targets INTEGER NOT NULL,
  done_completed INTEGER NOT NULL,
  done_failed INTEGER NOT NULL,
  done_deltas INTEGER NOT NULL,
  done_new_criticals INTEGER NOT NULL,
  done_new_high INTEGER NOT NULL,
  done_new_medium INTEGER NOT NULL,
  done_new_low INTEGER NOT NULL,
  done_resolved INTEGER NOT NULL,
  done_quieted INTEGER NOT NULL,
  done_kev_hits INTEGER NOT NULL
);
CREATE INDEX run_progress_active ON run_progress (active, tenant_id);

-- Per segment: the attempt token in-flight reports must reach, and the progress its holder reported so far.
CREATE TABLE progress_segments (
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  attempt_token INTEGER NOT NULL,
  in_flight TEXT,
  PRIMARY KEY (run_id, idx)
);

CREATE TABLE advisory_ids (
  tenant_id TEXT NOT NULL,
  vulnerability_id TEXT NOT NULL,
  PRIMARY KEY (tenant_id, vulnerability_id)
);

CREATE TABLE advisory_purls (
  tenant_id TEXT NOT NULL,
  vulnerability_id TEXT NOT NULL,
  purl TEXT NOT NULL,
  PRIMARY KEY (tenant_id, vulnerability_id, purl)
);

CREATE TABLE policy_runs (
  tenant_id TEXT NOT NULL,
  policy_run_id TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  planned INTEGER NOT NULL,
  requested_s INTEGER NOT NULL,
  requested_nanos INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (tenant_id, policy_run_id)
);
CREATE INDEX policy_runs_planned ON policy_runs (tenant_id, policy_id, planned, requested_s, requested_nanos, policy_run_id);

-- seq comes from the counters row 'images:changes', whose lock is held to commit: seq order is commit order, and
-- at_ns never goes below the previous change's, so (at, seq) order is seq order and a reader never skips a change.
CREATE TABLE image_changes (
  seq INTEGER PRIMARY KEY,
  at_ns INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  image TEXT
);
CREATE INDEX image_changes_at_seq ON image_changes (at_ns, seq);

-- Fair-share claims look up the next tenant and run among ready messages, then that run's oldest one.
CREATE INDEX queue_fair ON queue_messages (queue, tenant_id, run_id, available_ms, seq) WHERE lease_token IS NULL;
