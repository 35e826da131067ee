package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ResourceType;

/**
 * A target's last forecast (to compare with what happened) and the error trackers per resource:
 * against the aggregated observed demand of the next windows and against measured utilization.
 */
public class TargetErrors {
    /** Origin and step of the last forecast; 0 before the first. */
    public long lastOrigin;
    public long lastStep;
    /** p50 of the last forecast per resource. */
    public double[][] lastP50;
    public ErrorTracker[] vsObserved;
    public ErrorTracker[] vsUtilization;

    public TargetErrors() {}

    public static TargetErrors create() {
        int n = ResourceType.values().length;
        TargetErrors t = new TargetErrors();
        t.vsObserved = new ErrorTracker[n];
        t.vsUtilization = new ErrorTracker[n];
        for (int r = 0; r < n; r++) {
            t.vsObserved[r] = new ErrorTracker();
            t.vsUtilization[r] = new ErrorTracker();
        }
        return t;
    }

    /** The last forecast's p50 for the step containing {@code ts}, or NaN. */
    public double forecastAt(int resource, long ts) {
        if (lastP50 == null || ts < lastOrigin) {
            return Double.NaN;
        }
        long i = (ts - lastOrigin) / lastStep;
        return i < lastP50[resource].length ? lastP50[resource][(int) i] : Double.NaN;
    }

    /** Utilization-based error once it has a few samples (it measures the real load), else the observed one. */
    public double recentError(int resource) {
        ErrorTracker u = vsUtilization[resource];
        return u.samples >= 3 ? u.relativeError() : vsObserved[resource].relativeError();
    }
}
