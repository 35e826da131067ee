package dev.prescale.job.bench;

import dev.prescale.connectors.records.ScalingDecision;
import org.apache.flink.api.common.functions.MapFunction;

/** Notes when each decision leaves the decision operator (chained to it), for decision latency. */
public class DecisionProbe implements MapFunction<ScalingDecision, ScalingDecision> {
    private static final long serialVersionUID = 1L;

    @Override
    public ScalingDecision map(ScalingDecision d) {
        BenchRegistry.decision(d.timestamp, System.currentTimeMillis());
        return d;
    }
}
