package io.verdict.scheduler.errors;

/** A run or segment was asked to move to a state its current state does not lead to. */
public final class IllegalTransitionException extends SchedulerException {
    private final String entity;
    private final String from;
    private final String to;

    public IllegalTransitionException(String entity, Enum<?> from, Enum<?> to) {
        super(ErrorCode.ERR_API_409, entity + " cannot move from " + from + " to " + to);
        this.entity = entity;
        this.from = from.name();
        this.to = to.name();
    }

    public String entity() { return entity; }
    public String from() { return from; }
    public String to() { return to; }
}
