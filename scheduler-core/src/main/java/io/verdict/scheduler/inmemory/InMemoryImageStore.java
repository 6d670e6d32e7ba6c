package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.impact.ImageChange;
import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images and their change log in process memory; shared by several schedulers it behaves like one store. The log
 * keeps {@link ImageStore#CHANGE_LOG_RETENTION} once it holds more than {@value #TRIM_AT} changes.
 */
public final class InMemoryImageStore implements ImageStore {
    private final ConcurrentHashMap<String, ImageRecord> images = new ConcurrentHashMap<>();
    static final int TRIM_AT = 10_000;
    private final List<ImageChange> changes = new ArrayList<>();
    private final Clock clock;
    private long seq;

    public InMemoryImageStore(Clock clock) {
        this.clock = clock;
    }

    public InMemoryImageStore() {
        this(Clock.systemUTC());
    }

    @Override
    public synchronized void save(ImageRecord image) {
        images.put(image.tenantId() + "|" + image.digest(), image);
        changes.add(new ImageChange(++seq, clock.instant(), image.tenantId(), image.digest(), image));
        trim();
    }

    private void trim() {
        if (changes.size() <= TRIM_AT) return;
        Instant keepFrom = clock.instant().minus(CHANGE_LOG_RETENTION);
        changes.removeIf(c -> c.at().isBefore(keepFrom));
    }

    @Override
    public synchronized boolean delete(String tenantId, String digest) {
        boolean removed = images.remove(tenantId + "|" + digest) != null;
        if (removed) {
            changes.add(new ImageChange(++seq, clock.instant(), tenantId, digest, null));
            trim();
        }
        return removed;
    }

    @Override
    public List<ImageRecord> loadAll() {
        return new ArrayList<>(images.values());
    }

    @Override
    public synchronized List<ImageChange> changesAfter(Instant at, long afterSeq, int limit) {
        ImageChange from = new ImageChange(afterSeq, at, "-", "-", null);
        List<ImageChange> out = new ArrayList<>();
        for (ImageChange c : changes) {
            if (!c.isAfter(from)) continue;
            out.add(c);
        }
        out.sort((a, b) -> a.isAfter(b) ? 1 : b.isAfter(a) ? -1 : 0);
        return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }
}
