package io.verdict.scheduler.inmemory;

import io.verdict.scheduler.impact.ImageRecord;
import io.verdict.scheduler.impact.ImageStore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryImageStore implements ImageStore {
    private final ConcurrentHashMap<String, ImageRecord> images = new ConcurrentHashMap<>();

    @Override
    public void save(ImageRecord image) {
        images.put(image.tenantId() + "|" + image.digest(), image);
    }

    @Override
    public boolean delete(String tenantId, String digest) {
        return images.remove(tenantId + "|" + digest) != null;
    }

    @Override
    public List<ImageRecord> loadAll() {
        return new ArrayList<>(images.values());
    }
}
