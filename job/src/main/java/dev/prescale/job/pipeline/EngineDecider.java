package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.ScalingEngine;
import dev.prescale.job.scaling.TargetState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The {@link ScalingEngine} in event time: a clock fixed at the decision time (the window end) and
 * the target's policy (the shared {@code scaling:} section with the target's own limits).
 */
public class EngineDecider implements TargetDecider {
    private static final long serialVersionUID = 1L;

    private final PrescaleConfig config;
    private transient java.util.Map<String, dev.prescale.job.scaling.ScalingPolicy> policies;

    public EngineDecider(PrescaleConfig config) {
        this.config = config;
    }

    @Override
    public ScalingDecision decide(String target, long decisionMillis, List<ResourceOutlook> outlooks, TargetState state) {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(decisionMillis), ZoneOffset.UTC);
        return new ScalingEngine(policy(target), clock).decide(target, outlooks, state);
    }

    @Override
    public long coldLaunchLeadSeconds(String target) {
        return policy(target).coldLaunchLeadSeconds;
    }

    private dev.prescale.job.scaling.ScalingPolicy policy(String target) {
        if (policies == null) {
            policies = new java.util.HashMap<>();
        }
        return policies.computeIfAbsent(target, config::policyFor);
    }
}
