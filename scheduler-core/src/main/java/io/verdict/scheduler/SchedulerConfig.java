package io.verdict.scheduler;

import io.verdict.scheduler.events.Notifier;
import io.verdict.scheduler.evidence.Signer;
import io.verdict.scheduler.execution.Scanner;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.queue.LockService;
import io.verdict.scheduler.queue.SegmentQueue;
import io.verdict.scheduler.retry.RetryPolicy;
import io.verdict.scheduler.schedules.TickLedger;
import io.verdict.scheduler.schedules.TickerSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link Scheduler} is built from, fixed once built: the ports, the role of the process and the
 * tuning. {@link SchedulerBuilder} fills the defaults; the scheduler keeps this record, never the builder.
 *
 * @param maxIndexAge       refuse to plan on an index older than this (ERR_RUN_009); null disables the check
 * @param indexFollowPeriod how often the index applies other instances' image changes (the staleness bound); zero:
 *                          never (a store no other process can open)
 * @param intakeRate        per-tenant token bucket for intake events (events per second, burst)
 * @param unitOfWork        keeps a state change and its outbound envelopes together (the storage's transactions)
 */
public record SchedulerConfig(Clock clock, long seed, Storage storage, SegmentQueue queue, LockService locks,
                              Scanner scanner, Notifier notifier, SchedulerMetrics metrics, RetryPolicy retryPolicy,
                              int segmentSize, Duration leaseTime, Duration maxIndexAge, Duration shutdownGrace,
                              String instanceId, SchedulerRole role, TickLedger tickLedger, Signer evidenceSigner,
                              TickerSettings tickerSettings, Duration indexFollowPeriod, IntakeRate intakeRate,
                              io.verdict.scheduler.events.outbox.OutboxDispatcher dispatcher,
                              io.verdict.scheduler.tx.UnitOfWork unitOfWork) {
    /** Per-tenant intake budget (SPEC §8): a flooding feed is told to come back later instead of planning runs. */
    public record IntakeRate(double perSecond, int burst) {
        public static final IntakeRate DEFAULT = new IntakeRate(50, 100);

        public IntakeRate {
            if (!(perSecond > 0)) throw new IllegalArgumentException("intake rate must be > 0");
            if (burst < 1) throw new IllegalArgumentException("intake burst must be >= 1");
        }
    }

    public SchedulerConfig {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(locks, "locks");
        Objects.requireNonNull(scanner, "scanner");
        Objects.requireNonNull(notifier, "notifier");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(leaseTime, "leaseTime");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(tickLedger, "tickLedger");
        Objects.requireNonNull(tickerSettings, "tickerSettings");
        Objects.requireNonNull(indexFollowPeriod, "indexFollowPeriod");
        Objects.requireNonNull(intakeRate, "intakeRate");
        Objects.requireNonNull(unitOfWork, "unitOfWork");
        if (segmentSize < 1) throw new IllegalArgumentException("segmentSize must be >= 1");
        if (leaseTime.isNegative() || leaseTime.isZero()) throw new IllegalArgumentException("leaseTime must be > 0");
    }
}
