package dev.prescale.job.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the benchmark's probes observe inside one MiniCluster run (same JVM as the job): when event
 * time passed each window end at the source, when each decision left the job, time in the model.
 * Reset before each run.
 */
public final class BenchRegistry {

    /** Window end -> processing time (ms) at which the last source subtask's watermark passed it. */
    static final Map<Long, Long> WINDOW_CLOSED_AT = new ConcurrentHashMap<>();
    /** Decision latencies in ms: decision out of the decision operator minus window closed at source. */
    static final List<Long> DECISION_LATENCY = new ArrayList<>();
    static final AtomicLong DECISIONS = new AtomicLong();
    static final AtomicLong DECISIONS_WITHOUT_CLOSE = new AtomicLong();
    static final AtomicLong FIRST_RECORD_NANOS = new AtomicLong(Long.MAX_VALUE);
    static final LongAdder RECORDS = new LongAdder();
    static final LongAdder MODEL_NANOS = new LongAdder();
    static final LongAdder MODEL_SERIES = new LongAdder();
    /** Sum of the history lengths the model was given: shows whether a run started from steady state. */
    static final LongAdder MODEL_HISTORY_STEPS = new LongAdder();
    static final LongAdder DEAD_LETTERS = new LongAdder();
    /** Event time from which records count as measured (after the warm-up windows); MIN: all. */
    static volatile long measuredFromTs = Long.MIN_VALUE;
    /** When the first measured record reached the source's probe. */
    static final AtomicLong MEASURED_FIRST_NANOS = new AtomicLong(Long.MAX_VALUE);
    static final LongAdder MEASURED_RECORDS = new LongAdder();

    private BenchRegistry() {}

    static void reset() {
        WINDOW_CLOSED_AT.clear();
        synchronized (DECISION_LATENCY) {
            DECISION_LATENCY.clear();
        }
        DECISIONS.set(0);
        DECISIONS_WITHOUT_CLOSE.set(0);
        FIRST_RECORD_NANOS.set(Long.MAX_VALUE);
        RECORDS.reset();
        MODEL_NANOS.reset();
        MODEL_SERIES.reset();
        MODEL_HISTORY_STEPS.reset();
        DEAD_LETTERS.reset();
        MEASURED_FIRST_NANOS.set(Long.MAX_VALUE);
        MEASURED_RECORDS.reset();
    }

    static void decision(long windowEnd, long nowMillis) {
        DECISIONS.incrementAndGet();
        Long closed = WINDOW_CLOSED_AT.get(windowEnd);
        if (closed == null) {
            // The last window closes at end of input (watermark MAX), not through a record.
            DECISIONS_WITHOUT_CLOSE.incrementAndGet();
            return;
        }
        synchronized (DECISION_LATENCY) {
            DECISION_LATENCY.add(nowMillis - closed);
        }
    }

    static List<Long> latencies() {
        synchronized (DECISION_LATENCY) {
            return new ArrayList<>(DECISION_LATENCY);
        }
    }
}
