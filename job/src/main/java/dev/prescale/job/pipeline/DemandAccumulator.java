package dev.prescale.job.pipeline;

/**
 * Running sums of one group's window: what {@link DemandAggregator} keeps instead of the events.
 * A Flink POJO throughout (no Kryo): the window state is read and written on every event. The users
 * are kept as hashes of their pseudonyms (for the distinct-user count and k-anonymity).
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
    public DistinctUsers users = new DistinctUsers();

    public DemandAccumulator() {}
}
