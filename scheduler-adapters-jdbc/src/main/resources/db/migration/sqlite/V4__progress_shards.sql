-- The counters of a run, sharded: run_progress keeps the run's row (its state, and the counters planned() and
-- rebuild() set) and run_progress_shards adds what segment transitions changed since, one row per (run, shard)
-- with the shard taken from the segment's index. Why: every transition used to update the run's one row, so on
-- PostgreSQL two workers' units of work queued on its row lock until commit (the race's PG lane: the workers took
-- turns). Transitions of segments in different shards no longer touch a common row; reads add the shards up.
CREATE TABLE run_progress_shards (
  run_id TEXT NOT NULL,
  shard INTEGER NOT NULL,
  seg_queued INTEGER NOT NULL DEFAULT 0,
  seg_leased INTEGER NOT NULL DEFAULT 0,
  seg_running INTEGER NOT NULL DEFAULT 0,
  seg_completed INTEGER NOT NULL DEFAULT 0,
  seg_failed INTEGER NOT NULL DEFAULT 0,
  seg_dead INTEGER NOT NULL DEFAULT 0,
  seg_cancelled INTEGER NOT NULL DEFAULT 0,
  pending_segments INTEGER NOT NULL DEFAULT 0,
  pending_targets INTEGER NOT NULL DEFAULT 0,
  cancelled_targets INTEGER NOT NULL DEFAULT 0,
  done_completed INTEGER NOT NULL DEFAULT 0,
  done_failed INTEGER NOT NULL DEFAULT 0,
  done_deltas INTEGER NOT NULL DEFAULT 0,
  done_new_criticals INTEGER NOT NULL DEFAULT 0,
  done_new_high INTEGER NOT NULL DEFAULT 0,
  done_new_medium INTEGER NOT NULL DEFAULT 0,
  done_new_low INTEGER NOT NULL DEFAULT 0,
  done_resolved INTEGER NOT NULL DEFAULT 0,
  done_quieted INTEGER NOT NULL DEFAULT 0,
  done_kev_hits INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, shard)
);
