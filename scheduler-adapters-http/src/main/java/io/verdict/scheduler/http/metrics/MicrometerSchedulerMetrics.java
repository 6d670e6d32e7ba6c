package io.verdict.scheduler.http.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.verdict.scheduler.Scheduler;
import io.verdict.scheduler.errors.ErrorCode;
import io.verdict.scheduler.observability.SchedulerMetrics;
import io.verdict.scheduler.progress.Backlog;
import io.verdict.scheduler.queue.QueueDepth;
import io.verdict.scheduler.runs.Mode;

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
 * {@code scheduler_planner_heartbeat_age_seconds}, and the outbox: {@code scheduler_events_delivery_total{result}}
 * (delivered | failed | dead attempts) and {@code scheduler_events_outbox{status}} (pending | retrying | delivered |
 * dead entries, as last reported by the dispatcher). Gauges that need the stores are computed once per scrape.
 */
public final class MicrometerSchedulerMetrics implements SchedulerMetrics, AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock;
    private final Instant startedAt;
    private volatile Instant lastHeartbeat;
    private final Map<Mode, AtomicLong> active = new EnumMap<>(Mode.class);
    private final MultiGauge queueDepth;
    private final MultiGauge backlog;
    private volatile Scheduler scheduler;
    private final JvmGcMetrics jvmGc;
    private final StickyRows depthRows = new StickyRows();
    private final StickyRows backlogRows = new StickyRows();

    /** Run-error codes: every {@code ERR_RUN_*} is a label value of {@code scheduler_runs_error_total}. */
    private static final List<ErrorCode> RUN_ERRORS = java.util.Arrays.stream(ErrorCode.values())
            .filter(c -> c.name().startsWith("ERR_RUN_")).toList();
    static final List<String> PLANNER_STATUSES = List.of("enqueued", "no_work", "failed");
    static final List<String> SEGMENT_STATUSES = List.of("completed", "retry", "dead", "cancelled");
    static final List<String> RUN_RESULTS = List.of("completed", "cancelled", "error");
    static final List<String> DELIVERY_RESULTS = List.of("delivered", "failed", "dead");
    private final Map<String, AtomicLong> outbox = new java.util.LinkedHashMap<>();

    /*
     * Fixed buckets, not client-side percentiles: Prometheus aggregates buckets across instances and the shipped
     * alerts and dashboard panels use histogram_quantile over _bucket series. The bounds bracket the thresholds the
     * rules use (planner SLA 30 s; run durations from seconds to the nightly sweep's hours).
     */
    static final Duration[] PLANNER_LATENCY_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
            15, 30, 60, 120, 300);
    static final Duration[] RUN_DURATION_BUCKETS = seconds(1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
            14400, 28800, 86400);

    public MicrometerSchedulerMetrics(Clock clock) {
        this.clock = clock;
        this.startedAt = clock.instant();
        // Filters first: Micrometer warns (a WARN line at every start) when one is added after a meter exists.
        // promtool's linter (which the CI runs on a live exposition) rejects two of Micrometer's stock names: the
        // nanosecond CPU-time counter (process_cpu_usage covers it) and a gauge ending in _count.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus.available") : id;
            }
        });
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
        registerAtZero();
        // JVM and process health next to the scheduler's own series (heap, GC pauses, threads, CPU, uptime).
        new JvmMemoryMetrics().bindTo(registry);
        jvmGc = new JvmGcMetrics();
        jvmGc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /**
     * Every counter and histogram registered for its known label values before the first event: Prometheus'
     * {@code increase()} cannot see a series' first increment, so a series born at 1 loses that event (three
     * ERR_RUN_006 errors read as 2, the first dead segment reads as none).
     */
    private void registerAtZero() {
        for (Mode m : Mode.values()) {
            for (String status : PLANNER_STATUSES) plannerRuns(m, status);
            plannerLatency(m);
            for (String status : SEGMENT_STATUSES) segments(m, status);
            for (boolean delta : new boolean[] {true, false}) images(m, delta);
            for (String result : RUN_RESULTS) runDuration(m, result);
        }
        deltaCounter("scheduler.runner.delta", "images evaluated with a meaningful findings delta");
        deltaCounter("scheduler.runner.delta.critical", "new critical findings across deltas");
        deltaCounter("scheduler.runner.delta.high", "new high findings across deltas");
        deltaCounter("scheduler.runner.delta.kev", "KEV-listed findings across deltas");
        for (ErrorCode code : RUN_ERRORS) runErrors(code);
        runsDuration();
        for (String result : DELIVERY_RESULTS) deliveries(result);
        for (String status : List.of("pending", "retrying", "delivered", "dead")) {
            AtomicLong n = new AtomicLong();
            outbox.put(status, n);
            Gauge.builder("scheduler.events.outbox", n, AtomicLong::get).tag("status", status)
                    .description("outbox entries by delivery state (retrying: pending after a failed attempt)")
                    .register(registry);
        }
    }

    private Counter deliveries(String result) {
        return Counter.builder("scheduler.events.delivery").description("outbox delivery attempts, by outcome")
                .tag("result", result).register(registry);
    }

    @Override
    public void outboxDelivery(String result) {
        deliveries(result).increment();
    }

    @Override
    public void outboxCounts(long pending, long retrying, long delivered, long dead) {
        outbox.get("pending").set(pending);
        outbox.get("retrying").set(retrying);
        outbox.get("delivered").set(delivered);
        outbox.get("dead").set(dead);
    }

    private Counter plannerRuns(Mode mode, String status) {
        return Counter.builder("scheduler.planner.runs").description("plans made, by outcome")
                .tag("mode", mode.metricLabel()).tag("status", status).register(registry);
    }

    private Timer plannerLatency(Mode mode) {
        return Timer.builder("scheduler.planner.latency").description("time to plan a run (resolve, cut, persist, enqueue)")
                .tag("mode", mode.metricLabel()).serviceLevelObjectives(PLANNER_LATENCY_BUCKETS)
                .minimumExpectedValue(PLANNER_LATENCY_BUCKETS[0]).maximumExpectedValue(PLANNER_LATENCY_BUCKETS[PLANNER_LATENCY_BUCKETS.length - 1])
                .register(registry);
    }

    private Counter segments(Mode mode, String status) {
        return Counter.builder("scheduler.runner.segments").description("segment executions, by outcome")
                .tag("mode", mode.metricLabel()).tag("status", status).register(registry);
    }

    private Counter images(Mode mode, boolean delta) {
        return Counter.builder("scheduler.runner.images").description("images evaluated, by whether the verdict changed meaningfully")
                .tag("mode", mode.metricLabel()).tag("delta", Boolean.toString(delta)).register(registry);
    }

    private Timer runDuration(Mode mode, String result) {
        return Timer.builder("scheduler.run.duration").description("run duration from creation to its terminal state")
                .tag("mode", mode.metricLabel()).tag("result", result).serviceLevelObjectives(RUN_DURATION_BUCKETS)
                .minimumExpectedValue(RUN_DURATION_BUCKETS[0]).maximumExpectedValue(RUN_DURATION_BUCKETS[RUN_DURATION_BUCKETS.length - 1])
                .register(registry);
    }

    private Timer runsDuration() {
        return Timer.builder("scheduler.runs.duration").description("run duration, created to finished, all modes (console card)")
                .serviceLevelObjectives(RUN_DURATION_BUCKETS).minimumExpectedValue(RUN_DURATION_BUCKETS[0])
                .maximumExpectedValue(RUN_DURATION_BUCKETS[RUN_DURATION_BUCKETS.length - 1]).register(registry);
    }

    private Counter runErrors(ErrorCode code) {
        return Counter.builder("scheduler.runs.error").description("runs ended in error, by error code")
                .tag("code", code.name()).register(registry);
    }

    private Counter deltaCounter(String name, String help) {
        return Counter.builder(name).description(help).register(registry);
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        return out;
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
        plannerRuns(mode, status).increment();
        plannerLatency(mode).record(latency);
    }

    @Override
    public void segment(Mode mode, String status) {
        segments(mode, status).increment();
    }

    @Override
    public void image(Mode mode, boolean delta) {
        images(mode, delta).increment();
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
        runDuration(mode, result).record(duration);
        runsDuration().record(duration);
        if (error != null) runErrors(error).increment();
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
        Map<Tags, Long> depth = new java.util.HashMap<>();
        for (QueueDepth d : s.queries().queueDepth()) depth.put(Tags.of("queue", d.queue(), "tenant", d.tenantId()), d.total());
        queueDepth.register(depthRows.rows(depth), true);

        // One read of the read model's backlog per scrape, never the segments of every active run.
        Map<Mode, Long> counts = new EnumMap<>(Mode.class);
        Map<String, Long> pending = new TreeMap<>();
        for (Backlog b : s.backlog()) {
            counts.merge(b.mode(), (long) b.activeRuns(), Long::sum);
            pending.merge(b.mode().metricLabel() + "\u0000" + (b.scheduleId() == null ? "none" : b.scheduleId()),
                    b.pendingTargets(), Long::sum);
        }
        active.forEach((m, n) -> n.set(counts.getOrDefault(m, 0L)));
        Map<Tags, Long> left = new java.util.HashMap<>();
        pending.forEach((k, v) -> {
            String[] parts = k.split("\u0000", 2);
            left.put(Tags.of("mode", parts[0], "scheduleId", parts[1]), v);
        });
        backlog.register(backlogRows.rows(left), true);
    }

    /** Detaches the GC notification listener the JVM binder installed. */
    @Override
    public void close() {
        jvmGc.close();
    }

    /**
     * Gauge rows that stay at 0 once seen: an emptied queue reads 0 instead of vanishing, so panels show a drop to
     * zero and "no data" means the exporter is gone, not that the queue drained. Bounded by the label values seen
     * (tenants × queues, modes × schedules).
     */
    private static final class StickyRows {
        private final java.util.Set<Tags> seen = new java.util.HashSet<>();

        List<MultiGauge.Row<?>> rows(Map<Tags, Long> current) {
            seen.addAll(current.keySet());
            List<MultiGauge.Row<?>> out = new ArrayList<>();
            for (Tags tags : seen) out.add(MultiGauge.Row.of(tags, current.getOrDefault(tags, 0L)));
            return out;
        }
    }
}
