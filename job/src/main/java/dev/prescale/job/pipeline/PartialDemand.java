package dev.prescale.job.pipeline;

/**
 * The sums of some of one group's interactions in one window, pre-aggregated before the
 * {@code keyBy(group)} by {@link LocalDemandPreAggregator}; the window adds partials up with
 * {@link PartialDemandAggregator}. A Flink POJO (no Kryo): it crosses the network once per group,
 * window and flush instead of once per interaction. Users are hashes of pseudonyms, never raw ids.
 */
public class PartialDemand {
    public String group;
    /** Start of the tumbling window the sums belong to (epoch ms). */
    public long windowStart;
    public DemandAccumulator sums = new DemandAccumulator();

    public PartialDemand() {}

    public PartialDemand(String group, long windowStart) {
        this.group = group;
        this.windowStart = windowStart;
    }

    @Override
    public String toString() {
        return "PartialDemand{group=" + group + ", windowStart=" + windowStart + ", cpuMillis=" + sums.cpuMillis
                + ", users=" + sums.users.size() + "}";
    }
}
