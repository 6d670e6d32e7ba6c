package io.verdict.scheduler.http.clients.webhook;

import io.verdict.scheduler.events.outbox.EventFilter;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One webhook receiver.
 *
 * @param name         label for logs and metrics (never the URL, which may carry credentials)
 * @param url          where envelopes are POSTed (http or https)
 * @param secret       HMAC-SHA256 key of {@code X-Scheduler-Signature}; null sends unsigned (refused by the app config)
 * @param filter       which envelopes this receiver wants
 * @param attempts     tries per delivery inside one dispatch (resilience4j-retry), ≥ 1
 * @param firstBackoff pause after the first failed try; doubled per further try
 * @param timeout      per request
 * @param source       CloudEvents {@code ce-source} of what this scheduler sends
 */
public record WebhookSettings(String name, URI url, String secret, EventFilter filter, int attempts,
                              Duration firstBackoff, Duration timeout, String source) {
    public static final String DEFAULT_SOURCE = "urn:verdict:scheduler";

    public WebhookSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(filter, "filter");
        if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1");
        if (source == null) source = DEFAULT_SOURCE;
    }

    public static WebhookSettings of(String name, URI url, String secret, EventFilter filter) {
        return new WebhookSettings(name, url, secret, filter, 3, Duration.ofMillis(200), Duration.ofSeconds(10), DEFAULT_SOURCE);
    }

    /** Never the secret (nor the URL's user info). */
    @Override
    public String toString() {
        return "WebhookSettings[name=" + name + ", host=" + url.getHost() + ", filter=" + filter + ", attempts=" + attempts + "]";
    }
}
