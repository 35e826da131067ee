package dev.prescale.job.io;

import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.ScalingDecision;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's outputs: every decision goes to each decision output (Kafka, decision log, AWS, a test
 * collector); dead letters (bad and late records) go to the dead-letter output, or, when none is
 * given, are only counted in metrics.
 */
public final class Sinks {
    public final List<StreamOutput<ScalingDecision>> decisions;
    public final StreamOutput<DeadLetter> deadLetters;

    public Sinks(List<StreamOutput<ScalingDecision>> decisions, StreamOutput<DeadLetter> deadLetters) {
        this.decisions = new ArrayList<>(decisions);
        this.deadLetters = deadLetters;
    }

    public static Sinks of(StreamOutput<ScalingDecision> decisions, StreamOutput<DeadLetter> deadLetters) {
        return new Sinks(List.of(decisions), deadLetters);
    }
}
