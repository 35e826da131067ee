package dev.prescale.connectors.aws;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.apache.flink.api.common.operators.ProcessingTimeService;

/** A {@link Clock} reading Flink's processing-time service, so timers and rate limits share one time. */
final class ProcessingTimeClock extends Clock {
    private final ProcessingTimeService time;

    ProcessingTimeClock(ProcessingTimeService time) {
        this.time = time;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("processing time has no zone");
    }

    @Override
    public long millis() {
        return time.getCurrentProcessingTime();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
