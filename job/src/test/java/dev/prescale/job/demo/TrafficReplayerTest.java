package dev.prescale.job.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.json.InteractionValidator;
import dev.prescale.connectors.json.Json;
import dev.prescale.connectors.json.ScheduledEventValidator;
import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScheduledEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficReplayerTest {

    private static final long START = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

    /** Keeps every record. */
    static final class RecordingSink implements EventSink {
        final List<String[]> records = new ArrayList<>();
        int flushes;

        @Override
        public void send(String topic, String key, String value) {
            records.add(new String[] {topic, key, value});
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {}

        List<JsonNode> on(String topic) {
            return records.stream().filter(r -> r[0].equals(topic)).map(r -> parse(r[2])).toList();
        }

        private static JsonNode parse(String s) {
            try {
                return Json.mapper().readTree(s);
            } catch (Exception e) {
                throw new AssertionError(s, e);
            }
        }
    }

    /** A clock that only moves when the replayer sleeps. */
    static final class FakeClock extends Clock {
        long now = 1_000_000;
        long slept;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        void sleep(long ms) {
            now += ms;
            slept += ms;
        }
    }

    /** A constant-rate source over two hours with one announced event. */
    private static DemandSource flat(double perMinute, List<Announcement> ann) {
        return new DemandSource() {
            @Override public List<GroupProfile> groups() {
                return List.of(GroupProfile.neutral("a", 1), GroupProfile.neutral("b", 1));
            }
            @Override public long startMillis() { return START; }
            @Override public long endMillis() { return START + 2 * 3_600_000L; }
            @Override public double eventsPerMinute(GroupProfile g, long t) { return g.name().equals("a") ? perMinute : perMinute / 2; }
            @Override public List<Announcement> announcements() { return ann; }
        };
    }

    private static TrafficReplayer.Settings settings(double speedup, long maxWall) {
        return new TrafficReplayer.Settings("interactions", "scheduled-events", 60_000, speedup, maxWall, 5, 1_000);
    }

    @Test
    void producesValidInteractionsInOrderWithinTheRange() throws Exception {
        RecordingSink sink = new RecordingSink();
        FakeClock clock = new FakeClock();
        List<TrafficReplayer.Stats> progress = new ArrayList<>();
        TrafficReplayer.Stats stats = new TrafficReplayer(flat(30, List.of()), new InteractionFactory(10, 50), sink,
                settings(0, 0), clock, clock::sleep, progress::add).run();

        List<JsonNode> a = sink.on("interactions").stream().filter(n -> n.get("group").asText().equals("a")).toList();
        List<JsonNode> b = sink.on("interactions").stream().filter(n -> n.get("group").asText().equals("b")).toList();
        // 120 minutes at 30/min and 15/min: Poisson totals 3600 and 1800, a few percent of spread.
        assertThat(a.size()).isBetween(3400, 3800);
        assertThat(b.size()).isBetween(1650, 1950);
        assertThat(stats.interactions()).isEqualTo(a.size() + b.size());
        long last = Long.MIN_VALUE;
        for (JsonNode n : a) {
            long ts = n.get("ts").asLong();
            assertThat(ts).isBetween(START, START + 2 * 3_600_000L - 1);
            assertThat(ts).isGreaterThanOrEqualTo(last);
            last = ts;
        }
        // Every record passes the job's own input validation.
        InteractionValidator validator = new InteractionValidator("interactions");
        for (String[] r : sink.records) {
            assertThat(validator.validate(r[2], 0L).isValid()).as(r[2]).isTrue();
        }
        assertThat(sink.flushes).isPositive();
        assertThat(clock.slept).isZero();
        assertThat(progress).isNotEmpty();
    }

    @Test
    void pacesSimulatedTimeAtTheSpeedup() throws Exception {
        RecordingSink sink = new RecordingSink();
        FakeClock clock = new FakeClock();
        new TrafficReplayer(flat(1, List.of()), new InteractionFactory(1, 5), sink, settings(600, 0), clock, clock::sleep, s -> {}).run();
        // Two simulated hours at 600x are 12 wall seconds.
        assertThat(clock.slept).isEqualTo(12_000);
    }

    @Test
    void warmupRunsAtItsOwnSpeedThenTheRequestedOne() throws Exception {
        RecordingSink sink = new RecordingSink();
        FakeClock clock = new FakeClock();
        TrafficReplayer.Settings s = new TrafficReplayer.Settings("interactions", "scheduled-events", 60_000, 600, 0, 5, 1_000,
                3_600_000L, 0);
        new TrafficReplayer(flat(1, List.of()), new InteractionFactory(1, 5), sink, s, clock, clock::sleep, x -> {}).run();
        // The first hour is unpaced; the second hour at 600x takes 6 wall seconds.
        assertThat(clock.slept).isEqualTo(6_000);
    }

    @Test
    void stopsAtTheWallTimeLimit() throws Exception {
        RecordingSink sink = new RecordingSink();
        FakeClock clock = new FakeClock();
        TrafficReplayer.Stats s = new TrafficReplayer(flat(1, List.of()), new InteractionFactory(1, 5), sink,
                settings(600, 3_000), clock, clock::sleep, x -> {}).run();
        // 3 wall seconds at 600x: 30 simulated minutes.
        assertThat(s.simMillis() - START).isEqualTo(30 * 60_000L);
    }

    @Test
    void publishesScheduledEventsBeforeTheirPublishTimePassesWithLowerCaseResources() throws Exception {
        ScheduledEvent e = new ScheduledEvent("launch", "a", START + 3_600_000L, START + 5_400_000L,
                Map.of(ResourceType.CPU, 4.0, ResourceType.NETWORK, 1e6));
        RecordingSink sink = new RecordingSink();
        FakeClock clock = new FakeClock();
        new TrafficReplayer(flat(2, List.of(new Announcement(START + 1_800_000L, e))), new InteractionFactory(1, 5), sink,
                settings(0, 0), clock, clock::sleep, x -> {}).run();

        List<JsonNode> events = sink.on("scheduled-events");
        assertThat(events).hasSize(1);
        JsonNode n = events.get(0);
        assertThat(n.get("id").asText()).isEqualTo("launch");
        assertThat(n.get("start").asLong()).isEqualTo(START + 3_600_000L);
        assertThat(n.get("extra").get("cpu").asDouble()).isEqualTo(4.0);
        assertThat(n.get("extra").has("network")).isTrue();
        ScheduledEvent back = new ScheduledEventValidator("scheduled-events").validate(n.toString(), 0L).value();
        assertThat(back.extra).containsEntry(ResourceType.CPU, 4.0).containsEntry(ResourceType.NETWORK, 1e6);
        // It comes after the interactions of the first half hour and before any later ones.
        int index = 0;
        while (!sink.records.get(index)[0].equals("scheduled-events")) {
            index++;
        }
        long before = sink.records.subList(0, index).stream().map(r -> RecordingSink.parse(r[2]).get("ts").asLong()).max(Long::compare).orElseThrow();
        assertThat(before).isLessThan(START + 1_800_000L);
    }

    @Test
    void poissonHasTheRequestedMean() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (double mean : new double[] {0.3, 4, 40, 400}) {
            double sum = 0;
            int n = 20_000;
            for (int i = 0; i < n; i++) {
                sum += TrafficReplayer.poisson(mean, r);
            }
            assertThat(sum / n).isCloseTo(mean, org.assertj.core.data.Offset.offset(mean * 0.05 + 0.02));
        }
    }
}
