package io.verdict.scheduler.http.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.runs.Mode;
import io.verdict.scheduler.runs.Run;
import io.verdict.scheduler.runs.Segment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link SchedulerMetrics} on Micrometer with the upstream Prometheus names (SPEC §10):
 * {@code scheduler_planner_runs_total{mode,status}}, {@code scheduler_planner_latency_seconds},
 * {@code scheduler_runner_segments_total{mode,status}}, {@code scheduler_runner_images_total{mode,delta}},
 * {@code scheduler_runner_delta_total}, {@code _critical_total}, {@code _high_total}, {@code _kev_total},
 * {@code scheduler_run_duration_seconds{mode,result}}, {@code scheduler_runs_active{mode}},
 * {@code scheduler_runner_backlog{mode,scheduleId}}, and the console cards {@code scheduler_queue_depth{queue,tenant}},
 * {@code scheduler_runs_error_total{code}}, {@code scheduler_runs_duration_seconds},
 * {@code scheduler_planner_heartbeat_age_seconds}. Gauges that need the stores are computed once per scrape.
 */
public final class MicrometerSchedulerMetrics implements SchedulerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock;
    private final Instant startedAt;
    private volatile Instant lastHeartbeat;
    private final Map<Mode, AtomicLong> active = new EnumMap<>(Mode.class);
    private final MultiGauge queueDepth;
    private final MultiGauge backlog;
    private volatile Scheduler scheduler;

    public MicrometerSchedulerMetrics(Clock clock) {
        this.clock = clock;
        this.startedAt = clock.instant();
        for (Mode m : Mode.values()) {
            AtomicLong n = new AtomicLong();
            active.put(m, n);
            Gauge.builder("scheduler.runs.active", n, AtomicLong::get).tag("mode", m.metricLabel())
                    .description("runs not yet finished").register(registry);
        }
        Gauge.builder("scheduler.planner.heartbeat.age", this, x -> x.plannerHeartbeatAgeSeconds())
                .baseUnit("seconds").description("seconds since the planner last ran (since start if never)")
                .register(registry);
        queueDepth = MultiGauge.builder("scheduler.queue.depth").description("segments waiting or leased")
                .register(registry);
        backlog = MultiGauge.builder("scheduler.runner.backlog").description("targets not yet evaluated")
                .register(registry);
        // Register the counters the console cards chart even before the first event, so dashboards show 0.
        Timer.builder("scheduler.runs.duration").description("run duration, created to finished").register(registry);
    }

    /** Lets the store-backed gauges read the scheduler (its metrics must be this instance). */
    public void bind(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void plannerRun(Mode mode, String status, Duration latency) {
        Counter.builder("scheduler.planner.runs").tag("mode", mode.metricLabel()).tag("status", status)
                .register(registry).increment();
        Timer.builder("scheduler.planner.latency").tag("mode", mode.metricLabel()).register(registry).record(latency);
    }

    @Override
    public void segment(Mode mode, String status) {
        Counter.builder("scheduler.runner.segments").tag("mode", mode.metricLabel()).tag("status", status)
                .register(registry).increment();
    }

    @Override
    public void image(Mode mode, boolean delta) {
        Counter.builder("scheduler.runner.images").tag("mode", mode.metricLabel()).tag("delta", Boolean.toString(delta))
                .register(registry).increment();
    }

    @Override
    public void delta(int newCriticals, int newHigh, int kevHits) {
        registry.counter("scheduler.runner.delta").increment();
        registry.counter("scheduler.runner.delta.critical").increment(newCriticals);
        registry.counter("scheduler.runner.delta.high").increment(newHigh);
        registry.counter("scheduler.runner.delta.kev").increment(kevHits);
    }

    @Override
    public void runFinished(Mode mode, String result, Duration duration, ErrorCode error) {
        Timer.builder("scheduler.run.duration").tag("mode", mode.metricLabel()).tag("result", result)
                .register(registry).record(duration);
        registry.timer("scheduler.runs.duration").record(duration);
        if (error != null) registry.counter("scheduler.runs.error", "code", error.name()).increment();
    }

    @Override
    public void plannerHeartbeat() {
        lastHeartbeat = clock.instant();
    }

    /** Seconds since the last planner heartbeat, or since start when the planner has not run yet. */
    public double plannerHeartbeatAgeSeconds() {
        Instant last = lastHeartbeat == null ? startedAt : lastHeartbeat;
        return Math.max(0, Duration.between(last, clock.instant()).toMillis() / 1000.0);
    }

    public Instant lastHeartbeat() {
        return lastHeartbeat;
    }

    /** Prometheus text exposition, store-backed gauges refreshed first. */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    private synchronized void refresh() {
        Scheduler s = scheduler;
        if (s == null) return;
        List<MultiGauge.Row<?>> depthRows = new ArrayList<>();
        for (QueueDepth d : s.queries().queueDepth()) {
            depthRows.add(MultiGauge.Row.of(Tags.of("queue", d.queue(), "tenant", d.tenantId()), d.total()));
        }
        queueDepth.register(depthRows, true);

        Map<Mode, Long> counts = new EnumMap<>(Mode.class);
        Map<String, Long> pending = new TreeMap<>();
        for (Run r : s.queries().activeRuns()) {
            counts.merge(r.mode(), 1L, Long::sum);
            long left = 0;
            for (Segment seg : s.queries().segments(r)) if (!seg.state().isTerminal()) left += seg.size();
            pending.merge(r.mode().metricLabel() + "\u0000" + (r.scheduleId() == null ? "none" : r.scheduleId()), left, Long::sum);
        }
        active.forEach((m, n) -> n.set(counts.getOrDefault(m, 0L)));
        List<MultiGauge.Row<?>> backlogRows = new ArrayList<>();
        pending.forEach((k, v) -> {
            String[] parts = k.split("\u0000", 2);
            backlogRows.add(MultiGauge.Row.of(Tags.of("mode", parts[0], "scheduleId", parts[1]), v));
        });
        backlog.register(backlogRows, true);
    }
}
