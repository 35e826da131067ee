package dev.prescale.connectors.aws;

import dev.prescale.connectors.records.Utilization;

/** What an Auto Scaling group holds right now, as read back by DescribeAutoScalingGroups. */
public final class CurrentAllocation {
    public final String group;
    public final int minSize;
    public final int maxSize;
    public final int desiredCapacity;
    /** Instances in the InService lifecycle state: the allocation that serves demand. */
    public final int inService;
    /** Instances launching (Pending*) towards the desired capacity. */
    public final int pending;
    /** Instances in the warm pool (any Warmed:* state), or 0 without a warm pool. */
    public final int warmPoolSize;

    public CurrentAllocation(String group, int minSize, int maxSize, int desiredCapacity, int inService, int pending, int warmPoolSize) {
        this.group = group;
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.desiredCapacity = desiredCapacity;
        this.inService = inService;
        this.pending = pending;
        this.warmPoolSize = warmPoolSize;
    }

    /** A utilization record carrying only the current allocation ({@code inService}) at {@code ts}. */
    public Utilization toUtilization(long ts) {
        Utilization u = new Utilization(ts, group);
        u.inService = inService;
        return u;
    }

    @Override
    public String toString() {
        return "CurrentAllocation{group=" + group + ", min=" + minSize + ", max=" + maxSize + ", desired=" + desiredCapacity
                + ", inService=" + inService + ", pending=" + pending + ", warmPool=" + warmPoolSize + "}";
    }
}
