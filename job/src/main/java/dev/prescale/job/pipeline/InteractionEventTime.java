package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.Interaction;
import dev.prescale.job.config.PrescaleConfig;
import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The event-time strategies of the interactions: bounded out-of-orderness, idleness and the clock
 * skew guard from the configuration. {@link #forPayloads} goes into the Kafka source, so that
 * watermarks are generated per partition (from valid records only) and merged by the source; {@link #forRecords} is applied
 * after parsing when the source did not assign event time (tests, trace replays).
 */
public final class InteractionEventTime {

    private InteractionEventTime() {}

    /**
     * For raw payloads in the source: each payload is validated there ({@link SourceValidation}) and
     * only a valid record's ts counts; an invalid one gets {@link Long#MIN_VALUE} and no say in event time.
     */
    public static WatermarkStrategy<String> forPayloads(PrescaleConfig c) {
        return forPayloads(c, Clock.systemUTC());
    }

    static WatermarkStrategy<String> forPayloads(PrescaleConfig c, Clock clock) {
        long ooo = c.maxOutOfOrdernessMillis();
        long skew = c.maxClockSkewMillis();
        return WatermarkStrategy.<String>forGenerator(ctx -> new SkewGuardedWatermarks<>(ooo, skew, clock))
                .withTimestampAssigner(new SourceValidation.TimestampAssigner(c.kafka.interactionsTopic))
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

}
