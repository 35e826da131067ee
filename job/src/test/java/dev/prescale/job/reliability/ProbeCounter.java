package dev.prescale.job.reliability;

/**
 * A test-only state POJO whose field type is changed between two builds (version 1: {@code int
 * count}), to show that Flink refuses such a change on restore. A Flink POJO.
 */
public class ProbeCounter {
    public String name;
    public int count;

    public ProbeCounter() {}
}
