package dev.prescale.connectors.aws;

import dev.prescale.connectors.records.ScalingDecision;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writer's checkpointed state: per group, the timestamp of the newest decision already settled
 * (applied, or refused by AWS for good), and the newest decision not yet applied. Restoring it
 * means nothing settled is sent again and nothing pending is lost.
 */
public final class AutoScalingWriterState {
    private final Map<String, Long> lastSettled;
    private final Map<String, ScalingDecision> pending;

    public AutoScalingWriterState(Map<String, Long> lastSettled, Map<String, ScalingDecision> pending) {
        this.lastSettled = new TreeMap<>(lastSettled);
        this.pending = new TreeMap<>(pending);
    }

    public static AutoScalingWriterState empty() {
        return new AutoScalingWriterState(Map.of(), Map.of());
    }

    /** Group → timestamp of the newest settled decision. */
    public Map<String, Long> lastSettled() {
        return lastSettled;
    }

    /** Group → newest decision not yet applied. */
    public Map<String, ScalingDecision> pending() {
        return pending;
    }

    /** Merges states of several writers (after a rescale): newest timestamp and newest pending win. */
    public static AutoScalingWriterState merge(Collection<AutoScalingWriterState> states) {
        Map<String, Long> settled = new TreeMap<>();
        Map<String, ScalingDecision> pending = new TreeMap<>();
        for (AutoScalingWriterState s : states) {
            s.lastSettled.forEach((g, ts) -> settled.merge(g, ts, Math::max));
            s.pending.forEach((g, d) -> pending.merge(g, d, (a, b) -> a.timestamp >= b.timestamp ? a : b));
        }
        pending.entrySet().removeIf(e -> settled.containsKey(e.getKey()) && e.getValue().timestamp <= settled.get(e.getKey()));
        return new AutoScalingWriterState(settled, pending);
    }

    @Override
    public String toString() {
        return "AutoScalingWriterState{lastSettled=" + lastSettled + ", pending=" + pending + "}";
    }
}
