package io.verdict.scheduler.errors;

import java.util.List;

/** Bad input, naming every offending field. */
public final class ValidationException extends SchedulerException {
    public record FieldError(String field, String message) {}

    private final List<FieldError> errors;

    public ValidationException(List<FieldError> errors) {
        super(ErrorCode.ERR_API_400, errors.isEmpty() ? "invalid input"
                : errors.get(0).field() + ": " + errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    public static ValidationException of(String field, String message) {
        return new ValidationException(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
