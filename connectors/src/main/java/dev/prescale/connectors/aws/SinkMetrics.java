package dev.prescale.connectors.aws;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/** The sink's counters, registered in the writer's Flink metric group (or standalone in tests). */
public final class SinkMetrics {
    /** Decisions after which AWS held the decided values and at least one mutating call was sent. */
    public final Counter applied = new SimpleCounter();
    /** Decisions whose values AWS already held: nothing was sent. */
    public final Counter unchanged = new SimpleCounter();
    /** Decisions older than (or as old as) one already applied or pending for the group. */
    public final Counter stale = new SimpleCounter();
    /** Pending decisions replaced by a newer one for the same group before they were applied. */
    public final Counter superseded = new SimpleCounter();
    /** Attempts that failed with a retryable error and were scheduled again. */
    public final Counter retries = new SimpleCounter();
    /** Decisions given up on because AWS refused them for good (see the log for group and reason). */
    public final Counter fatalErrors = new SimpleCounter();
    /** Decisions whose desired capacity had to be clamped to the group's min/max. */
    public final Counter clamped = new SimpleCounter();
    /** Decisions logged instead of applied (dry-run mode). */
    public final Counter dryRun = new SimpleCounter();
    /** API calls that had to wait for the rate limiter. */
    public final Counter rateLimited = new SimpleCounter();

    /** Standalone counters, registered nowhere. */
    public SinkMetrics() {}

    /** Counters registered under {@code group} (e.g. the writer's metric group). */
    public SinkMetrics(MetricGroup group) {
        MetricGroup g = group.addGroup("autoscaling");
        g.counter("decisionsApplied", applied);
        g.counter("decisionsUnchanged", unchanged);
        g.counter("decisionsStale", stale);
        g.counter("decisionsSuperseded", superseded);
        g.counter("retries", retries);
        g.counter("fatalErrors", fatalErrors);
        g.counter("decisionsClamped", clamped);
        g.counter("decisionsDryRun", dryRun);
        g.counter("rateLimitedCalls", rateLimited);
    }
}
