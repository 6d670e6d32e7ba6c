package io.verdict.scheduler.http.sse;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** What every event stream's response starts with, run or tenant stream alike. */
final class SseResponse {
    private SseResponse() {}

    /**
     * 200 {@code text/event-stream}, never cached, and not buffered by a proxy in front ({@code X-Accel-Buffering}:
     * nginx would otherwise hold frames back until its buffer fills); returns the body's stream.
     */
    static ServletOutputStream start(HttpServletResponse res) throws IOException {
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        return res.getOutputStream();
    }
}
