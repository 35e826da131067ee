package dev.prescale.job.reliability;

/**
 * A test-only state POJO whose field type was changed between two builds (version 1, in the
 * checked-in snapshots: {@code int count}; now {@code long count}), to show that Flink refuses such
 * a change on restore. A Flink POJO.
 */
public class ProbeCounter {
    public String name;
    public long count;

    public ProbeCounter() {}
}
