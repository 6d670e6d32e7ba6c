package io.verdict.scheduler.errors;

import java.util.List;

/** Input beyond a documented bound (too many entries in a field): refused whole, naming every such field (413). */
public final class LimitExceededException extends SchedulerException {
    private final List<ValidationException.FieldError> errors;

    public LimitExceededException(List<ValidationException.FieldError> errors) {
        super(ErrorCode.ERR_API_413, errors.isEmpty() ? "input too large"
                : errors.get(0).field() + ": " + errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    public List<ValidationException.FieldError> errors() {
        return errors;
    }
}
