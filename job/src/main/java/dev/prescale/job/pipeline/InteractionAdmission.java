package dev.prescale.job.pipeline;

import dev.prescale.connectors.json.InteractionValidator;
import dev.prescale.connectors.json.Validated;
import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Interaction;
import java.io.Serializable;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Which interaction payloads the job's first operator lets in: valid ones whose event time can be
 * used. The rest become dead letters, with any user field pseudonymized: invalid payloads, event
 * times more than the maximum clock skew ahead of processing time, and (when the source stamped
 * event time) a ts that differs from the one the source read. One instance per operator instance.
 */
final class InteractionAdmission implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final InteractionValidator validator;
    private final long maxClockSkewMillis;
    private final boolean stampedBySource;
    /** Processing time as last read (MIN_VALUE: not yet); see {@link #eventTimeProblem}. */
    private transient long processingTimeSeen = Long.MIN_VALUE;
    /** Where {@link SourceValidation} leaves the source's results for this thread; made on first use. */
    private transient SourceValidation.Local handOver;

    /**
     * @param maxClockSkewMillis records further ahead of processing time are dead-lettered; 0: no guard
     * @param stampedBySource whether the source validated each payload and assigned its event time
     *     ({@link InteractionEventTime#forPayloads}); records go on with that timestamp, so it must be their ts
     */
    InteractionAdmission(String topic, long maxClockSkewMillis, boolean stampedBySource) {
        this.topic = topic;
        this.validator = new InteractionValidator(topic);
        this.maxClockSkewMillis = maxClockSkewMillis;
        this.stampedBySource = stampedBySource;
    }

    /** Resets what an instance learnt at run time (call from the operator's open). */
    void open() {
        processingTimeSeen = Long.MIN_VALUE;
    }

    /**
     * The valid interaction of a payload, its user id still raw, or its dead letter (user
     * pseudonymized with {@code pseudonym}).
     *
     * @param stamped the record's timestamp (null: none)
     * @param processingTime read only when needed: rarely for valid records
     */
    Validated<Interaction> admit(String payload, Long stamped, LongSupplier processingTime, UnaryOperator<String> pseudonym) {
        return admit(payload, stamped != null, stamped == null ? 0 : stamped, processingTime, pseudonym);
    }

    /**
     * {@link #admit(String, Long, LongSupplier, UnaryOperator)} with the record's timestamp unboxed
     * (a {@code Long} per record was an allocation on the source thread).
     *
     * @param hasStamp whether the record has a timestamp; {@code stamp} is read only then
     */
    Validated<Interaction> admit(String payload, boolean hasStamp, long stamp, LongSupplier processingTime,
            UnaryOperator<String> pseudonym) {
        // Validated in the source already when it stamped event time (parsed once); else here.
        Validated<Interaction> v = null;
        if (stampedBySource) {
            if (handOver == null) {
                handOver = new SourceValidation.Local(); // transient: none after deserialization
            }
            v = handOver.take(payload);
        }
        if (v == null) {
            v = validator.validate(payload, processingTime);
        }
        DeadLetter d;
        if (v.isValid()) {
            Interaction i = v.value();
            String reason = eventTimeProblem(i.ts, hasStamp, stamp, processingTime);
            if (reason == null) {
                return v;
            }
            d = new DeadLetter(topic, cut(payload), reason, processingTime.getAsLong());
        } else {
            d = v.deadLetter();
        }
        d.payload = InteractionValidator.redactUser(d.payload, pseudonym);
        return Validated.rejected(d);
    }

    /** Why a valid record's event time cannot be used, or null. */
    private String eventTimeProblem(long ts, boolean hasStamp, long stamp, LongSupplier processingTime) {
        // Processing time only grows: a ts within the skew of the last reading is within it now, so the
        // clock is read again only for a ts beyond that (not once per record, which cost the source thread).
        if (maxClockSkewMillis > 0 && ts > processingTimeSeen + maxClockSkewMillis) {
            long now = processingTime.getAsLong();
            processingTimeSeen = now;
            if (ts > now + maxClockSkewMillis) {
                return "ts " + ts + " is " + (ts - now) + " ms ahead of processing time " + now
                        + " (window.maxClockSkew allows " + maxClockSkewMillis + " ms)";
            }
        }
        if (stampedBySource && (!hasStamp || stamp != ts)) {
            // Cannot happen while the source stamps with the validated ts; never window a record at the wrong time.
            return "ts " + ts + " differs from the event time the source read from the payload (" + (hasStamp ? stamp : null) + ")";
        }
        return null;
    }

    private static String cut(String payload) {
        return payload.length() > InteractionValidator.MAX_PAYLOAD_CHARS
                ? payload.substring(0, InteractionValidator.MAX_PAYLOAD_CHARS) : payload;
    }
}
