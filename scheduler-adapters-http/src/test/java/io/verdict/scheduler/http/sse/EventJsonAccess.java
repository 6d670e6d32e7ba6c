package io.verdict.scheduler.http.sse;

/** Test access to {@link EventJson}'s package-private percentage. */
public final class EventJsonAccess {
    private EventJsonAccess() {}

    public static double percent(int processed, int total) {
        return EventJson.percent(processed, total);
    }
}
