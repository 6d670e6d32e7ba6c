package io.verdict.scheduler.purl;

/**
 * A package URL or version range that cannot be read. {@code component} names the part that is wrong
 * ({@code scheme}, {@code type}, {@code namespace}, {@code name}, {@code version}, {@code qualifiers},
 * {@code subpath}, {@code vers}) so an adapter can tell the caller exactly what to fix.
 */
public final class PurlSyntaxException extends IllegalArgumentException {
    private final String component;

    public PurlSyntaxException(String component, String message) {
        super(component + ": " + message);
        this.component = component;
    }

    public String component() {
        return component;
    }

    /** The message without the component prefix. */
    public String reason() {
        return getMessage().substring(component.length() + 2);
    }
}
