package dev.prescale.job.pipeline;

import dev.prescale.connectors.json.Validated;
import dev.prescale.connectors.records.Interaction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The job's first operator on raw interaction payloads (unless {@link AnonymizingPreAggregator}
 * takes its place): lets in what {@link InteractionAdmission} admits and replaces the user id by its
 * pseudonym, so that the raw id reaches no state, output or log. A refused record becomes a dead
 * letter (with any user field pseudonymized as well) on {@link DeadLetters#TAG}.
 */
public class ValidateAndAnonymize extends ProcessFunction<String, Interaction> {
    private static final long serialVersionUID = 1L;

    private final InteractionAdmission admission;
    private final HmacKeySource keySource;
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
        this.admission = new InteractionAdmission(topic, maxClockSkewMillis, stampedBySource);
        this.keySource = keySource;
    }

    @Override
    public void open(OpenContext openContext) {
        pseudonymizer = new UserPseudonymizer(keySource.load());
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        admission.open();
    }

    @Override
    public void processElement(String payload, Context ctx, Collector<Interaction> out) {
        Validated<Interaction> v = admission.admit(payload, ctx.timestamp(), ctx.timerService()::currentProcessingTime,
                pseudonymizer::pseudonym);
        if (v.isValid()) {
            Interaction i = v.value();
            i.user = pseudonymizer.pseudonym(i.user);
            out.collect(i);
            return;
        }
        deadLetters.inc();
        ctx.output(DeadLetters.TAG, v.deadLetter());
    }
}
