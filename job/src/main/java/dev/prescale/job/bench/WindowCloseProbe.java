package dev.prescale.job.bench;

import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Passes payloads through unchanged and notes, per window end, the processing time at which this
 * subtask saw event time pass {@code windowEnd + maxOutOfOrderness}: the moment the job's bounded
 * out-of-orderness watermark can close the window (up to one auto-watermark interval later). The
 * registry keeps the latest subtask's time, since the window closes when every input has passed it.
 * Optionally throttles to a fixed rate per subtask, which stands in for a live producer.
 */
public class WindowCloseProbe extends RichMapFunction<String, String> {
    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    private final long outOfOrdernessMillis;
    private final double eventsPerSecond;
    private transient long maxTs;
    private transient long nextEnd;
    private transient long count;
    private transient long startNanos;

    public WindowCloseProbe(long windowMillis, long outOfOrdernessMillis, double eventsPerSecond) {
        this.windowMillis = windowMillis;
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.eventsPerSecond = eventsPerSecond;
    }

    @Override
    public String map(String payload) throws Exception {
        if (count == 0) {
            startNanos = System.nanoTime();
            BenchRegistry.FIRST_RECORD_NANOS.accumulateAndGet(startNanos, Math::min);
        }
        count++;
        BenchRegistry.RECORDS.increment();
        long ts = timestamp(payload);
        if (ts >= BenchRegistry.measuredFromTs) {
            if (BenchRegistry.MEASURED_FIRST_NANOS.get() == Long.MAX_VALUE) {
                BenchRegistry.MEASURED_FIRST_NANOS.accumulateAndGet(System.nanoTime(), Math::min);
            }
            BenchRegistry.MEASURED_RECORDS.increment();
        }
        if (ts > maxTs) {
            maxTs = ts;
            if (nextEnd == 0) {
                nextEnd = (ts / windowMillis + 1) * windowMillis;
            }
            while (maxTs - outOfOrdernessMillis >= nextEnd) {
                BenchRegistry.WINDOW_CLOSED_AT.merge(nextEnd, System.currentTimeMillis(), Math::max);
                nextEnd += windowMillis;
            }
        }
        if (eventsPerSecond > 0) {
            long due = startNanos + (long) (count * 1e9 / eventsPerSecond);
            long wait = due - System.nanoTime();
            if (wait > 1_000_000) {
                Thread.sleep(wait / 1_000_000);
            }
        }
        return payload;
    }

    /** The ts field without a JSON parse (the benchmark's own payloads: {"ts":123,...}). */
    static long timestamp(String payload) {
        int i = payload.indexOf("\"ts\":");
        if (i < 0) {
            return 0;
        }
        long v = 0;
        for (int p = i + 5; p < payload.length(); p++) {
            char c = payload.charAt(p);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
