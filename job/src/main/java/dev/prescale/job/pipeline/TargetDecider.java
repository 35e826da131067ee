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

    /**
     * The target's cold-launch lead time in seconds: the recent forecast error is measured that far
     * ahead. 0 (the next window) unless the decider knows a policy.
     */
    default long coldLaunchLeadSeconds(String target) {
        return 0;
    }
}
