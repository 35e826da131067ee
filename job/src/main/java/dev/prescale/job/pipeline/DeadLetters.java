package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.DeadLetter;
import org.apache.flink.util.OutputTag;

/** The side-output tag that every validating or late-record function writes dead letters to. */
public final class DeadLetters {
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

    private DeadLetters() {}
}
