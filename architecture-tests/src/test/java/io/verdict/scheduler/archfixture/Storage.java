package io.verdict.scheduler.archfixture;

import io.verdict.scheduler.archfixture.runs.RunStore;

/** The fixture core's bundle of storage ports. */
public record Storage(RunStore runs) {}
