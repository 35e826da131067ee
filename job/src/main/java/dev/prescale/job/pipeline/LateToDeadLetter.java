package dev.prescale.job.pipeline;

import dev.prescale.connectors.json.Json;
import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Interaction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Interactions later than the allowed lateness (the window side output): counted in the
 * {@code lateRecords} metric and turned into dead letters, never dropped silently. They are
 * already pseudonymized.
 */
public class LateToDeadLetter extends RichMapFunction<Interaction, DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient Counter late;

    public LateToDeadLetter(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter("lateRecords");
    }

    @Override
    public DeadLetter map(Interaction i) {
        late.inc();
        return new DeadLetter(topic, Json.write(i), "late: event time " + i.ts + " is behind the watermark by more than the allowed lateness", i.ts);
    }
}
