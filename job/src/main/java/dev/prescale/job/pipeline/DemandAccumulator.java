package dev.prescale.job.pipeline;

import java.util.HashSet;

/**
 * Running sums of one group's window: what {@link DemandAggregator} keeps instead of the events.
 * The user set holds pseudonyms only (for the distinct-user count and k-anonymity).
 */
public class DemandAccumulator {
    public double cpuMillis;
    /** sum of memMb x durationMs. */
    public double memMbMillis;
    public double netBytes;
    public double bytesWritten;
    public long apiCalls;
    public long dataAccesses;
    public long uiEvents;
    public HashSet<String> users = new HashSet<>();

    public DemandAccumulator() {}
}
