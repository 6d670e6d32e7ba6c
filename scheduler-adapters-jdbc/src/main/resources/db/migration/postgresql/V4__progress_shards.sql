-- The counters of a run, sharded: run_progress keeps the run's row (its state, and the counters planned() and
-- rebuild() set) and run_progress_shards adds what segment transitions changed since, one row per (run, shard)
-- with the shard taken from the segment's index. Why: every transition used to update the run's one row, so on
-- PostgreSQL two workers' units of work queued on its row lock until commit (the race's PG lane: the workers took
-- turns). Transitions of segments in different shards no longer touch a common row; reads add the shards up.
CREATE TABLE run_progress_shards (
  run_id TEXT COLLATE "C" NOT NULL,
  shard BIGINT NOT NULL,
  seg_queued BIGINT NOT NULL DEFAULT 0,
  seg_leased BIGINT NOT NULL DEFAULT 0,
  seg_running BIGINT NOT NULL DEFAULT 0,
  seg_completed BIGINT NOT NULL DEFAULT 0,
  seg_failed BIGINT NOT NULL DEFAULT 0,
  seg_dead BIGINT NOT NULL DEFAULT 0,
  seg_cancelled BIGINT NOT NULL DEFAULT 0,
  pending_segments BIGINT NOT NULL DEFAULT 0,
  pending_targets BIGINT NOT NULL DEFAULT 0,
  cancelled_targets BIGINT NOT NULL DEFAULT 0,
  done_completed BIGINT NOT NULL DEFAULT 0,
  done_failed BIGINT NOT NULL DEFAULT 0,
  done_deltas BIGINT NOT NULL DEFAULT 0,
  done_new_criticals BIGINT NOT NULL DEFAULT 0,
  done_new_high BIGINT NOT NULL DEFAULT 0,
  done_new_medium BIGINT NOT NULL DEFAULT 0,
  done_new_low BIGINT NOT NULL DEFAULT 0,
  done_resolved BIGINT NOT NULL DEFAULT 0,
  done_quieted BIGINT NOT NULL DEFAULT 0,
  done_kev_hits BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, shard)
);
