package dev.prescale.job.scaling;

import java.io.Serializable;

/**
 * Sizes the warm pool: enough stopped instances to cover the gap between the upper forecast over
 * the launch lead (in instances) and the desired capacity, kept between the policy's minimum and
 * maximum fractions of the desired capacity, and none when the warm pool is disabled.
 */
public final class WarmPoolPlanner implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean enabled;
    private final double minFraction;
    private final double maxFraction;

    public WarmPoolPlanner(boolean enabled, double minFraction, double maxFraction) {
        this.enabled = enabled;
        this.minFraction = minFraction;
        this.maxFraction = maxFraction;
    }

    public WarmPoolPlanner(ScalingPolicy policy) {
        this(policy.warmPoolEnabled, policy.warmPoolMinFraction, policy.warmPoolMaxFraction);
    }

    /**
     * The warm-pool size for a desired capacity and the instances the upper forecast would need
     * ({@code upperInstances}, fractional; NaN when unknown, which leaves only the minimum).
     */
    public int plan(int desired, double upperInstances) {
        if (!enabled) {
            return 0;
        }
        int min = (int) Math.ceil(minFraction * desired - 1e-9);
        int max = (int) Math.ceil(maxFraction * desired - 1e-9);
        int gap = Double.isFinite(upperInstances) ? (int) Math.ceil(upperInstances - desired - 1e-9) : 0;
        return Math.max(min, Math.min(max, Math.max(0, gap)));
    }
}
