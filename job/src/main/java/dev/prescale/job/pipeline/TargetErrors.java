package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.scaling.LeadTimeErrorTracker;

/**
 * A target's recent forecast error per resource, measured at the cold-launch lead time as the
 * offline replay measures it ({@link LeadTimeErrorTracker}): against the aggregated observed demand
 * of each window, and against measured utilization (each utilization record scores the forecast for
 * the step that contains its timestamp). A Flink POJO for keyed state.
 */
public class TargetErrors {
    public LeadTimeErrorTracker[] vsObserved;
    public LeadTimeErrorTracker[] vsUtilization;
    /** Where the windows start within a step (window ends modulo the step), so times map to window numbers. */
    public long phaseMillis;

    public TargetErrors() {}

    /**
     * Empty trackers for a target whose windows are {@code stepMillis} long and end at
     * {@code windowEnd} modulo the step, scored {@code leadSteps} steps ahead.
     */
    public static TargetErrors create(long stepMillis, int leadSteps, long windowEnd) {
        int n = ResourceType.values().length;
        TargetErrors t = new TargetErrors();
        t.phaseMillis = Math.floorMod(windowEnd, stepMillis);
        t.vsObserved = new LeadTimeErrorTracker[n];
        t.vsUtilization = new LeadTimeErrorTracker[n];
        for (int r = 0; r < n; r++) {
            t.vsObserved[r] = LeadTimeErrorTracker.forStep(stepMillis, leadSteps);
            t.vsUtilization[r] = LeadTimeErrorTracker.forStep(stepMillis, leadSteps);
        }
        return t;
    }

    /** Whether these trackers were built for this step and lead (a changed configuration starts afresh). */
    public boolean measures(long stepMillis, int leadSteps) {
        return vsObserved != null && vsObserved.length > 0 && vsObserved[0].measures(stepMillis, leadSteps);
    }

    /** The number of the window that contains {@code millis}. */
    public long stepOf(long millis) {
        return Math.floorDiv(millis - phaseMillis, vsObserved[0].stepMillis);
    }

    /**
     * The utilization-based error once it is known (it measures the real load), else the one against
     * observed demand; NaN while neither has its minimum count of errors.
     */
    public double recentError(int resource) {
        double u = vsUtilization[resource].relativeError();
        return Double.isFinite(u) ? u : vsObserved[resource].relativeError();
    }
}
