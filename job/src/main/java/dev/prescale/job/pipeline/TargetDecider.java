package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.TargetState;
import java.io.Serializable;
import java.util.List;

/** Decides a target's capacity from its outlooks at a decision time; may update the state. */
public interface TargetDecider extends Serializable {

    /** The decision, or null for none. */
    ScalingDecision decide(String target, long decisionMillis, List<ResourceOutlook> outlooks, TargetState state);
}
