package dev.prescale.connectors.aws;

/** Why AWS refused a decision for good: the kind (for counting) and a reason a person can read. */
public final class FatalError {
    /** The families of fatal errors the classifiers know. */
    public enum Kind {
        ACCESS_DENIED,
        UNKNOWN_GROUP,
        VALIDATION,
        UNCLASSIFIED
    }

    private final Kind kind;
    private final String reason;

    public FatalError(Kind kind, String reason) {
        this.kind = kind;
        this.reason = reason;
    }

    public Kind kind() {
        return kind;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return kind + ": " + reason;
    }
}
