package dev.prescale.connectors.aws.local;

/** An AWS-style error answer: HTTP status, fault type (Sender/Receiver), code and message. */
public final class AutoScalingApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public AutoScalingApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static AutoScalingApiException validation(String message) {
        return new AutoScalingApiException(400, "ValidationError", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** {@code Receiver} for server faults (5xx), {@code Sender} otherwise, as AWS writes it. */
    public String faultType() {
        return status >= 500 ? "Receiver" : "Sender";
    }
}
