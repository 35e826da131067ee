package dev.prescale.job.pipeline;

import dev.prescale.job.pipeline.history.HistoryHeapCache;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** A test's state TTL time, moved in the harness and in the history cache's clock together. */
final class TtlTime implements HistoryHeapCache.TtlClock {
    private static final long serialVersionUID = 1L;
    private final AtomicLong now = new AtomicLong();

    @Override
    public long millis() {
        return now.get();
    }

    /** Sets the TTL time of the harness's state and of the cache. */
    void set(AbstractStreamOperatorTestHarness<?> h, long millis) {
        now.set(millis);
        h.setStateTtlProcessingTime(millis);
    }
}
