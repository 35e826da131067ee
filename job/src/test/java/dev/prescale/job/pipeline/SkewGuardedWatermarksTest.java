package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.config.PrescaleConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class SkewGuardedWatermarksTest {

    private static final long NOW = 1_767_225_600_000L; // 2026-01-01
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    private static final long HOUR = 3_600_000L;

    /** Records the watermarks a generator emits. */
    private static final class RecordingOutput implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark w) {
            watermarks.add(w.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        Long last() {
            return watermarks.isEmpty() ? null : watermarks.get(watermarks.size() - 1);
        }
    }

    @Test
    void followsTheLargestBelievableTimestampLessTheDisorder() {
        SkewGuardedWatermarks<String> g = new SkewGuardedWatermarks<>(5_000, HOUR, CLOCK);
        RecordingOutput out = new RecordingOutput();
        g.onPeriodicEmit(out);
        assertThat(out.watermarks).isEmpty();
        g.onEvent("a", NOW - 60_000, out);
        g.onEvent("b", NOW - 70_000, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(NOW - 60_000 - 5_000 - 1);
        g.onEvent("at the skew limit", NOW + HOUR, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(NOW + HOUR - 5_001);
    }

    @Test
    void ignoresMissingTimestampsAndTimestampsBeyondTheSkew() {
        SkewGuardedWatermarks<String> g = new SkewGuardedWatermarks<>(0, HOUR, CLOCK);
        RecordingOutput out = new RecordingOutput();
        g.onEvent("x", NOW - 1000, out);
        g.onEvent("no ts", Long.MIN_VALUE, out);
        g.onEvent("next year", NOW + 365 * 24 * HOUR, out);
        g.onEvent("just beyond", NOW + HOUR + 1, out);
        g.onEvent("max", Long.MAX_VALUE, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(NOW - 1001);
    }

    /** A clock that moves only when told and counts its readings. */
    private static final class SteppedClock extends Clock {
        long now = NOW;
        int reads;

        @Override
        public long millis() {
            reads++;
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void readsTheClockOnlyForATimestampBeyondTheLastReadingsLimitAndThenJudgesByTheNewReading() {
        SteppedClock clock = new SteppedClock();
        SkewGuardedWatermarks<String> g = new SkewGuardedWatermarks<>(0, HOUR, clock);
        RecordingOutput out = new RecordingOutput();
        for (int i = 0; i < 100; i++) {
            g.onEvent("live", NOW - 1000 + i, out);
        }
        assertThat(clock.reads).isEqualTo(1);
        g.onEvent("beyond the skew now", NOW + HOUR + 1, out);
        assertThat(clock.reads).isEqualTo(2);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(NOW - 1000 + 99 - 1);
        clock.now = NOW + 2 * HOUR;
        g.onEvent("within the skew of the new time", NOW + 3 * HOUR, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(NOW + 3 * HOUR - 1);
        assertThat(clock.reads).isEqualTo(3);
    }

    @Test
    void withoutAGuardEveryTimestampButMissingCounts() {
        SkewGuardedWatermarks<String> g = new SkewGuardedWatermarks<>(0, 0, CLOCK);
        RecordingOutput out = new RecordingOutput();
        g.onEvent("missing", Long.MIN_VALUE, out);
        g.onPeriodicEmit(out);
        assertThat(out.watermarks).isEmpty();
        g.onEvent("trace time", NOW + 10 * 365 * 24 * HOUR, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(NOW + 10 * 365 * 24 * HOUR - 1);
    }

    @Test
    void thePayloadStrategyStampsValidRecordsOnlyAndKeepsInvalidOnesOutOfEventTime() throws Exception {
        PrescaleConfig c = config("window: {maxOutOfOrderness: 2s, maxClockSkew: 1h}\n");
        WatermarkStrategy<String> s = InteractionEventTime.forPayloads(c, CLOCK);
        TimestampAssigner<String> ts = s.createTimestampAssigner(UnregisteredMetricsGroup::new);
        WatermarkGenerator<String> g = s.createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
            @Override
            public org.apache.flink.metrics.MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public org.apache.flink.util.clock.RelativeClock getInputActivityClock() {
                return org.apache.flink.util.clock.SystemClock.getInstance();
            }
        });
        RecordingOutput out = new RecordingOutput();
        String[] payloads = {
                valid(NOW - 10_000, ",\"meta\":{\"ts\":" + NOW + "}"),
                valid(NOW - 5_000, ",\"memMb\":-1"), // invalid elsewhere: must not move event time
                valid(NOW - 5_000, ",\"cpuMillis\":\"NaN\""),
                "{\"ts\":\"yesterday\"}",
                "not json",
                valid(NOW + 2 * HOUR, ""), // valid, but beyond the skew
                valid(4_200_000_000_000L, ""), // after 2100
        };
        long[] expected = {NOW - 10_000, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, NOW + 2 * HOUR,
                Long.MIN_VALUE};
        for (int i = 0; i < payloads.length; i++) {
            long t = ts.extractTimestamp(payloads[i], 42L);
            assertThat(t).as(payloads[i]).isEqualTo(expected[i]);
            g.onEvent(payloads[i], t, out);
        }
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(NOW - 10_000 - 2_000 - 1);
    }

    @Test
    void theSourceHandsItsValidationToTheOperatorForTheSamePayloadOnly() {
        SourceValidation.TimestampAssigner a = new SourceValidation.TimestampAssigner("interactions");
        SourceValidation.Local taker = new SourceValidation.Local();
        String p = valid(NOW, "");
        a.extractTimestamp(p, 0);
        assertThat(taker.take(new String(p))).as("an equal but other payload").isNull();
        a.extractTimestamp(p, 0);
        assertThat(taker.take(p)).isNotNull().satisfies(v -> assertThat(v.value().ts).isEqualTo(NOW));
        assertThat(taker.take(p)).as("taken once").isNull();
    }

    @Test
    void theHandOverFollowsTheCallingThreadThroughItsCachedLookups() throws Exception {
        // The assigner and the taker remember the hand-over of the thread that used them last; another
        // thread gets its own, so a result never crosses threads (the operator would validate again).
        SourceValidation.TimestampAssigner a = new SourceValidation.TimestampAssigner("interactions");
        SourceValidation.Local taker = new SourceValidation.Local();
        String p = valid(NOW, "");
        a.extractTimestamp(p, 0);
        AtomicReference<Object> elsewhere = new AtomicReference<>();
        Thread other = new Thread(() -> elsewhere.set(String.valueOf(taker.take(p))));
        other.start();
        other.join();
        assertThat(elsewhere.get()).as("taken in another thread").isEqualTo("null");
        assertThat(taker.take(p)).isNotNull().satisfies(v -> assertThat(v.value().ts).isEqualTo(NOW));
        String q = valid(NOW + 1, "");
        Thread source = new Thread(() -> a.extractTimestamp(q, 0)); // the assigner used from another thread
        source.start();
        source.join();
        assertThat(taker.take(q)).as("left in the other thread's hand-over").isNull();
        a.extractTimestamp(q, 0); // and back in this one
        assertThat(taker.take(q)).isNotNull().satisfies(v -> assertThat(v.value().ts).isEqualTo(NOW + 1));
    }

    private static String valid(long ts, String extra) {
        return "{\"ts\":" + ts + ",\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\"" + extra + "}";
    }

    @Test
    void theSkewIsConfiguredWithADefaultAndCanBeTurnedOff() throws Exception {
        assertThat(config("").maxClockSkewMillis()).isEqualTo(HOUR);
        assertThat(config("window: {maxClockSkew: 10m}\n").maxClockSkewMillis()).isEqualTo(600_000L);
        assertThat(config("window: {maxClockSkew: off}\n").maxClockSkewMillis()).isZero();
    }

    private static PrescaleConfig config(String yaml) throws Exception {
        String full = yaml + "targets:\n  - name: web\n    groups: ['*']\n";
        return PrescaleConfig.load(new ByteArrayInputStream(full.getBytes(StandardCharsets.UTF_8)));
    }
}
