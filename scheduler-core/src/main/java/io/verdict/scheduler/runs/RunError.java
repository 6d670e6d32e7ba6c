package io.verdict.scheduler.runs;

import io.verdict.scheduler.errors.ErrorCode;

/** Why a run or segment ended in error. */
public record RunError(ErrorCode code, String message) {}
