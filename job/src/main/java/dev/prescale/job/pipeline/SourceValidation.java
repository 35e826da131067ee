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

    /** The result the source left for exactly this payload instance, once; null if none. */
    static Validated<Interaction> take(String payload) {
        SourceValidation s = LAST.get();
        if (s.payload != payload || payload == null) {
            return null;
        }
        Validated<Interaction> r = s.result;
        s.payload = null;
        s.result = null;
        return r;
    }

    /** Validates in the source: a valid record's ts, else {@link Long#MIN_VALUE} (ignored by the watermarks). */
    public static final class TimestampAssigner implements SerializableTimestampAssigner<String> {
        private static final long serialVersionUID = 1L;
        private final InteractionValidator validator;

        public TimestampAssigner(String topic) {
            this.validator = new InteractionValidator(topic);
        }

        @Override
        public long extractTimestamp(String payload, long kafkaTimestamp) {
            Validated<Interaction> v = validator.validate(payload, System::currentTimeMillis);
            SourceValidation s = LAST.get();
            s.payload = payload;
            s.result = v;
            return v.isValid() ? v.value().ts : Long.MIN_VALUE;
        }
    }
}
