package io.verdict.scheduler.http.views;

import io.verdict.scheduler.errors.ValidationException;
import io.verdict.scheduler.errors.ValidationException.FieldError;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a request body so the client sees all of them in one 400. */
public final class FieldErrors {
    private final List<FieldError> errors = new ArrayList<>();

    public FieldErrors add(String field, String message) {
        errors.add(new FieldError(field, message));
        return this;
    }

    public boolean has(String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) throw new ValidationException(errors);
    }

    /** A required, bounded, printable string; returns it trimmed or null after recording the problem. */
    public String text(String field, String value, boolean required, int maxLength) {
        if (value == null || value.isBlank()) {
            if (required) add(field, "required");
            return null;
        }
        if (value.length() > maxLength) {
            add(field, "at most " + maxLength + " characters");
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                add(field, "control characters are not allowed");
                return null;
            }
        }
        return value.trim();
    }

    /** A list of bounded strings; null → empty. */
    public List<String> texts(String field, List<String> values, int maxItems, int maxLength) {
        if (values == null) return List.of();
        if (values.size() > maxItems) {
            add(field, "at most " + maxItems + " entries");
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String v = text(field + "[" + i + "]", values.get(i), true, maxLength);
            if (v != null) out.add(v);
        }
        return out;
    }
}
