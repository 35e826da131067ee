package dev.prescale.job.pipeline;

import dev.prescale.connectors.json.InteractionValidator;
import dev.prescale.connectors.json.Validated;
import dev.prescale.connectors.records.DeadLetter;
import java.io.Serializable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Validates payloads of a side topic (scheduled events, utilization) with a connectors validator:
 * valid records go on, bad ones to {@link DeadLetters#TAG} with any {@code user} field redacted.
 */
public class ValidatePayloads<T> extends ProcessFunction<String, T> {
    private static final long serialVersionUID = 1L;

    /** A validator as a serializable function. */
    public interface Validator<T> extends Serializable {
        Validated<T> validate(String payload, long nowMillis);
    }

    /** What a user field of a dead-lettered side-topic payload becomes. */
    public static final String REDACTED = "redacted";

    private final Validator<T> validator;
    private transient Counter deadLetters;

    public ValidatePayloads(Validator<T> validator) {
        this.validator = validator;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(String payload, Context ctx, Collector<T> out) {
        Validated<T> v = validator.validate(payload, ctx.timerService().currentProcessingTime());
        if (v.isValid()) {
            out.collect(v.value());
        } else {
            DeadLetter d = v.deadLetter();
            // Side topics carry no user ids by contract, but a misrouted interaction does, and its raw id
            // must not reach a dead-letter topic (PrivacyScanITCase found it there). No key here: no pseudonym.
            d.payload = InteractionValidator.redactUser(d.payload, user -> REDACTED);
            deadLetters.inc();
            ctx.output(DeadLetters.TAG, d);
        }
    }
}
