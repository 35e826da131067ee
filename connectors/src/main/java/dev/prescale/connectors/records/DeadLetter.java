package dev.prescale.connectors.records;

/**
 * A record that could not be used, with the reason: published to {@code <sourceTopic>-dlq}.
 *
 * <p>A Flink POJO. For interactions the payload never carries the raw user id: when the original
 * is a JSON object its {@code user} field is replaced by the keyed hash before it leaves the job.
 */
public class DeadLetter {
    /** The topic the record came from, e.g. {@code interactions}. */
    public String sourceTopic;
    /** The original payload (see the class comment for the user field). */
    public String payload;
    /** Why the record was rejected, a sentence a person can read. */
    public String reason;
    /** When it was rejected or, for late records, their event time (epoch ms). */
    public long ts;

    public DeadLetter() {}

    public DeadLetter(String sourceTopic, String payload, String reason, long ts) {
        this.sourceTopic = sourceTopic;
        this.payload = payload;
        this.reason = reason;
        this.ts = ts;
    }

    @Override
    public String toString() {
        // The payload is left out: before anonymization it may hold a raw user id.
        return "DeadLetter{sourceTopic=" + sourceTopic + ", reason=" + reason + ", ts=" + ts + "}";
    }
}
