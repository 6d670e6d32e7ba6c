/**
 * The read model of execution: per-run counters (segments by state, targets pending, outcomes so far,
 * in-flight progress of running segments) maintained as segments change state, so the console, the SSE
 * stream and the metrics read a few small records instead of every segment of every run.
 */
package io.verdict.scheduler.progress;
