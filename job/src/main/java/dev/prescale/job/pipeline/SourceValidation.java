package dev.prescale.job.pipeline;

import dev.prescale.connectors.json.InteractionValidator;
import dev.prescale.connectors.json.Validated;
import dev.prescale.connectors.records.Interaction;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Validation of interaction payloads in the Kafka source, so that only valid records move event
 * time (a bad record stamped 30 s ahead must not make valid ones late), parsed once: the source's
 * timestamp assigner validates a payload and leaves the result here; {@link ValidateAndAnonymize},
 * chained behind the source in the same task thread, takes it for the very same payload instance.
 * When the two are not chained (another thread) the operator finds nothing and validates again,
 * with the same outcome: the hand-over only saves work, it never changes a result.
 */
public final class SourceValidation {

    private static final ThreadLocal<SourceValidation> LAST = ThreadLocal.withInitial(SourceValidation::new);

    private String payload;
    private Validated<Interaction> result;

    private SourceValidation() {}

    /** The result the source left in this hand-over for exactly this payload instance, once; null if none. */
    private Validated<Interaction> takeHere(String payload) {
        if (this.payload != payload || payload == null) {
            return null;
        }
        Validated<Interaction> r = result;
        this.payload = null;
        result = null;
        return r;
    }

    /**
     * The calling thread's hand-over, looked up in the {@code ThreadLocal} only when the thread
     * changes: both sides run once per record in one task thread, where two {@code ThreadLocal}
     * lookups a record were a measurable share of the source's time. One per user of the hand-over.
     */
    static final class Local {
        /** A thread and its hand-over, replaced together (never one without the other). */
        private record Bound(Thread owner, SourceValidation slot) {}

        private Bound bound;

        private SourceValidation slot() {
            Thread t = Thread.currentThread();
            Bound b = bound;
            if (b == null || b.owner != t) {
                b = new Bound(t, LAST.get());
                bound = b;
            }
            return b.slot;
        }

        /** The result the source left in the calling thread for exactly this payload instance, once; null if none. */
        Validated<Interaction> take(String payload) {
            return slot().takeHere(payload);
        }
    }

    /** Validates in the source: a valid record's ts, else {@link Long#MIN_VALUE} (ignored by the watermarks). */
    public static final class TimestampAssigner implements SerializableTimestampAssigner<String> {
        private static final long serialVersionUID = 1L;
        private final InteractionValidator validator;
        private transient Local local;

        public TimestampAssigner(String topic) {
            this.validator = new InteractionValidator(topic);
        }

        @Override
        public long extractTimestamp(String payload, long kafkaTimestamp) {
            Validated<Interaction> v = validator.validate(payload, System::currentTimeMillis);
            if (local == null) {
                local = new Local();
            }
            SourceValidation s = local.slot();
            s.payload = payload;
            s.result = v;
            return v.isValid() ? v.value().ts : Long.MIN_VALUE;
        }
    }
}
