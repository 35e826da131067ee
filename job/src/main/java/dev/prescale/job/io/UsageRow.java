package dev.prescale.job.io;

import dev.prescale.job.pipeline.ForecastTask;

/**
 * One group's demand in one closed window after k-anonymity, per resource (index
 * {@link dev.prescale.connectors.records.ResourceType#ordinal()}): what the usage export writes. A
 * Flink POJO, small on purpose (the forecast task it comes from carries the whole history).
 */
public class UsageRow {
    public String group;
    public long windowStart;
    public double[] observed;

    public UsageRow() {}

    /** The row of a forecast task: its group, its window and the demand observed in it. */
    public static UsageRow of(ForecastTask t) {
        UsageRow r = new UsageRow();
        r.group = t.group;
        r.windowStart = t.windowEnd - t.stepMillis;
        r.observed = t.observed.clone();
        return r;
    }
}
