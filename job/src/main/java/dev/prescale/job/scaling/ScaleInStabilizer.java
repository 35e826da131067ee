package dev.prescale.job.scaling;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Keeps scale-in calm: a target scales in only to the largest recommendation of the recent
 * stabilization window, and not again within the scale-in cooldown of the last scale-in. Scale-out
 * is never held back here. Its memory lives in {@link TargetState}.
 */
public final class ScaleInStabilizer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    private final long cooldownMillis;

    public ScaleInStabilizer(long windowMillis, long cooldownMillis) {
        this.windowMillis = Math.max(0, windowMillis);
        this.cooldownMillis = Math.max(0, cooldownMillis);
    }

    /**
     * Records {@code recommendation} at {@code now} and returns the capacity to ask for, starting
     * from {@code current}: the recommendation when it is a scale-out, else the largest
     * recommendation of the window (never above current), or {@code current} while in cooldown.
     */
    public int stabilize(int recommendation, int current, long now, TargetState state) {
        remember(recommendation, now, state);
        if (recommendation >= current) {
            return recommendation;
        }
        if (cooldownMillis > 0 && state.lastScaleInMillis != Long.MIN_VALUE && now - state.lastScaleInMillis < cooldownMillis) {
            return current;
        }
        int largest = recommendation;
        for (int i = 0; i < state.recentRecommendations.length; i++) {
            largest = Math.max(largest, state.recentRecommendations[i]);
        }
        return Math.min(current, largest);
    }

    /** Appends the recommendation and drops those that fell out of the window. */
    private void remember(int recommendation, long now, TargetState state) {
        int n = state.recentRecommendations.length;
        int[] recs = Arrays.copyOf(state.recentRecommendations, n + 1);
        long[] times = Arrays.copyOf(state.recentRecommendationMillis, n + 1);
        recs[n] = recommendation;
        times[n] = now;
        int keepFrom = 0;
        while (keepFrom < n + 1 && times[keepFrom] <= now - windowMillis && keepFrom < n) {
            keepFrom++;
        }
        state.recentRecommendations = Arrays.copyOfRange(recs, keepFrom, n + 1);
        state.recentRecommendationMillis = Arrays.copyOfRange(times, keepFrom, n + 1);
    }
}
