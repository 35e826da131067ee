package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.Interaction;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.io.PayloadTimestamp;
import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The event-time strategies of the interactions: bounded out-of-orderness, idleness and the clock
 * skew guard from the configuration. {@link #forPayloads} goes into the Kafka source, so that
 * watermarks are generated per partition and merged by the source; {@link #forRecords} is applied
 * after parsing when the source did not assign event time (tests, trace replays).
 */
public final class InteractionEventTime {

    /**
     * The validator's accepted range, [2000-01-01, 2100-01-01) in epoch milliseconds: a payload
     * timestamp outside it belongs to a record the validator rejects and must not move event time.
     */
    static final long MIN_VALID_TS = 946_684_800_000L;
    static final long MAX_VALID_TS = 4_102_444_800_000L;

    private InteractionEventTime() {}

    /** For raw payloads in the source: the top-level ts read without parsing, or none. */
    public static WatermarkStrategy<String> forPayloads(PrescaleConfig c) {
        return forPayloads(c, Clock.systemUTC());
    }

    static WatermarkStrategy<String> forPayloads(PrescaleConfig c, Clock clock) {
        long ooo = c.maxOutOfOrdernessMillis();
        long skew = c.maxClockSkewMillis();
        return WatermarkStrategy.<String>forGenerator(ctx -> new SkewGuardedWatermarks<>(ooo, skew, clock))
                .withTimestampAssigner((payload, kafkaTimestamp) -> payloadTimestamp(payload))
                .withIdleness(Duration.ofMillis(c.idlenessMillis()));
    }

    /** For parsed interactions: their own ts. */
    public static WatermarkStrategy<Interaction> forRecords(PrescaleConfig c) {
        long ooo = c.maxOutOfOrdernessMillis();
        long skew = c.maxClockSkewMillis();
        Clock clock = Clock.systemUTC();
        return WatermarkStrategy.<Interaction>forGenerator(ctx -> new SkewGuardedWatermarks<>(ooo, skew, clock))
                .withTimestampAssigner((i, previous) -> i.ts)
                .withIdleness(Duration.ofMillis(c.idlenessMillis()));
    }

    /** The payload's ts when it is one the validator could accept, else {@link Long#MIN_VALUE}. */
    public static long payloadTimestamp(String payload) {
        long ts = PayloadTimestamp.read(payload);
        return ts >= MIN_VALID_TS && ts < MAX_VALID_TS ? ts : Long.MIN_VALUE;
    }
}
