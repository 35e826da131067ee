package dev.prescale.job.pipeline;

import java.time.Clock;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks (the largest event time seen, less the allowed disorder) that
 * only believe plausible timestamps: {@link Long#MIN_VALUE} (no timestamp could be read) and event
 * times more than the maximum clock skew ahead of processing time are ignored, so that one record
 * stamped next year cannot make every later record late. Those records are dead-lettered by the
 * validator (see {@link ValidateAndAnonymize}); this class only keeps them out of event time.
 */
public class SkewGuardedWatermarks<T> implements WatermarkGenerator<T> {

    private final long outOfOrdernessMillis;
    private final long maxClockSkewMillis;
    private final Clock clock;
    private long maxTimestamp = Long.MIN_VALUE;
    /** The clock's latest reading (MIN_VALUE: none yet). */
    private long clockSeen = Long.MIN_VALUE;

    /** {@code maxClockSkewMillis <= 0}: no skew guard (trace replays run far from the wall clock). */
    public SkewGuardedWatermarks(long outOfOrdernessMillis, long maxClockSkewMillis, Clock clock) {
        if (outOfOrdernessMillis < 0) {
            throw new IllegalArgumentException("outOfOrdernessMillis must not be negative");
        }
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.maxClockSkewMillis = maxClockSkewMillis;
        this.clock = clock;
    }

    /** Whether an event time may move the watermark now. */
    public boolean believable(long eventTimestamp) {
        if (eventTimestamp == Long.MIN_VALUE) {
            return false;
        }
        if (maxClockSkewMillis <= 0) {
            return true;
        }
        // Most events of a live stream are within the skew of the last reading, and processing time only
        // grows: those are believable now too, without a clock read per event. Only a timestamp beyond the
        // last reading's limit reads the clock again. (A clock stepped back by NTP keeps the earlier reading
        // until a timestamp passes it: the limit is then late by at most that step.)
        if (clockSeen != Long.MIN_VALUE && eventTimestamp <= clockSeen + maxClockSkewMillis) {
            return true;
        }
        clockSeen = clock.millis();
        return eventTimestamp <= clockSeen + maxClockSkewMillis;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        if (eventTimestamp > maxTimestamp && believable(eventTimestamp)) {
            maxTimestamp = eventTimestamp;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (maxTimestamp != Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(maxTimestamp - outOfOrdernessMillis - 1));
        }
    }
}
