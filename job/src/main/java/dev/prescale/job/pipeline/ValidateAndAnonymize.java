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
 * dead letter (with any user field pseudonymized as well) on {@link DeadLetters#TAG}.
 */
public class ValidateAndAnonymize extends ProcessFunction<String, Interaction> {
    private static final long serialVersionUID = 1L;

    private final InteractionValidator validator;
    private final HmacKeySource keySource;
    private transient UserPseudonymizer pseudonymizer;
    private transient Counter deadLetters;

    public ValidateAndAnonymize(String topic, HmacKeySource keySource) {
        this.validator = new InteractionValidator(topic);
        this.keySource = keySource;
    }

    @Override
    public void open(OpenContext openContext) {
        pseudonymizer = new UserPseudonymizer(keySource.load());
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(String payload, Context ctx, Collector<Interaction> out) {
        long now = ctx.timerService().currentProcessingTime();
        Validated<Interaction> v = validator.validate(payload, now);
        if (v.isValid()) {
            Interaction i = v.value();
            i.user = pseudonymizer.pseudonym(i.user);
            out.collect(i);
        } else {
            DeadLetter d = v.deadLetter();
            d.payload = InteractionValidator.redactUser(d.payload, pseudonymizer::pseudonym);
            deadLetters.inc();
            ctx.output(DeadLetters.TAG, d);
        }
    }
}
