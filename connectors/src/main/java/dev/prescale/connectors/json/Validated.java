package dev.prescale.connectors.json;

import dev.prescale.connectors.records.DeadLetter;

/**
 * The outcome of validating one input record: either a usable value or a dead letter with the
 * reason, never both.
 */
public final class Validated<T> {
    private final T value;
    private final DeadLetter deadLetter;

    private Validated(T value, DeadLetter deadLetter) {
        this.value = value;
        this.deadLetter = deadLetter;
    }

    public static <T> Validated<T> ok(T value) {
        return new Validated<>(value, null);
    }

    public static <T> Validated<T> rejected(DeadLetter deadLetter) {
        return new Validated<>(null, deadLetter);
    }

    public boolean isValid() {
        return value != null;
    }

    /** The value, or {@code null} when rejected. */
    public T value() {
        return value;
    }

    /** The dead letter, or {@code null} when valid. */
    public DeadLetter deadLetter() {
        return deadLetter;
    }
}
