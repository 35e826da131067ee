package dev.prescale.job.pipeline;

import dev.prescale.connectors.json.InteractionValidator;
import dev.prescale.connectors.json.Validated;
import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Interaction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The job's first operator on raw interaction payloads: validates each one and replaces the user
 * id by its pseudonym, so that the raw id reaches no state, output or log. A bad record becomes a
 * dead letter (with any user field pseudonymized as well) on {@link DeadLetters#TAG}: invalid
 * payloads, event times more than the maximum clock skew ahead of processing time, and (when the
 * source stamped event time) a ts that differs from the one the source read.
 */
public class ValidateAndAnonymize extends ProcessFunction<String, Interaction> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final InteractionValidator validator;
    private final HmacKeySource keySource;
    private final long maxClockSkewMillis;
    private final boolean stampedBySource;
    private transient UserPseudonymizer pseudonymizer;
    private transient Counter deadLetters;

    /** Without a clock skew guard, for payloads without event time. */
    public ValidateAndAnonymize(String topic, HmacKeySource keySource) {
        this(topic, keySource, 0, false);
    }

    /**
     * @param maxClockSkewMillis records further ahead of processing time are dead-lettered; 0: no guard
     * @param stampedBySource whether the source validated each payload and assigned its event time
     *     ({@link InteractionEventTime#forPayloads}); records go on with that timestamp, so it must be their ts
     */
    public ValidateAndAnonymize(String topic, HmacKeySource keySource, long maxClockSkewMillis, boolean stampedBySource) {
        this.topic = topic;
        this.validator = new InteractionValidator(topic);
        this.keySource = keySource;
        this.maxClockSkewMillis = maxClockSkewMillis;
        this.stampedBySource = stampedBySource;
    }

    @Override
    public void open(OpenContext openContext) {
        pseudonymizer = new UserPseudonymizer(keySource.load());
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(String payload, Context ctx, Collector<Interaction> out) {
        long now = ctx.timerService().currentProcessingTime();
        // Validated in the source already when it stamped event time (parsed once); else here.
        Validated<Interaction> v = stampedBySource ? SourceValidation.take(payload) : null;
        if (v == null) {
            v = validator.validate(payload, now);
        }
        DeadLetter d;
        if (v.isValid()) {
            Interaction i = v.value();
            String reason = eventTimeProblem(i.ts, ctx.timestamp(), now);
            if (reason == null) {
                i.user = pseudonymizer.pseudonym(i.user);
                out.collect(i);
                return;
            }
            d = new DeadLetter(topic, cut(payload), reason, now);
        } else {
            d = v.deadLetter();
        }
        d.payload = InteractionValidator.redactUser(d.payload, pseudonymizer::pseudonym);
        deadLetters.inc();
        ctx.output(DeadLetters.TAG, d);
    }

    /** Why a valid record's event time cannot be used, or null. */
    private String eventTimeProblem(long ts, Long stamped, long now) {
        if (maxClockSkewMillis > 0 && ts > now + maxClockSkewMillis) {
            return "ts " + ts + " is " + (ts - now) + " ms ahead of processing time " + now
                    + " (window.maxClockSkew allows " + maxClockSkewMillis + " ms)";
        }
        if (stampedBySource && (stamped == null || stamped != ts)) {
            // Cannot happen while the source stamps with the validated ts; never window a record at the wrong time.
            return "ts " + ts + " differs from the event time the source read from the payload (" + stamped + ")";
        }
        return null;
    }

    private static String cut(String payload) {
        return payload.length() > InteractionValidator.MAX_PAYLOAD_CHARS
                ? payload.substring(0, InteractionValidator.MAX_PAYLOAD_CHARS) : payload;
    }
}
