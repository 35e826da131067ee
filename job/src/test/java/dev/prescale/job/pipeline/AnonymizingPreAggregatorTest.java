package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Interaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fused first operator against the two it replaces: random payload streams (valid and invalid
 * payloads, raw ids in both, event times beyond the clock skew, source stamps that disagree with the
 * payload, disorder, watermarks, checkpoint barriers, lateness, tiny max-keys bounds, groups with more
 * users than a partial remembers) go through {@link ValidateAndAnonymize} then
 * {@link LocalDemandPreAggregator}, and through {@link AnonymizingPreAggregator}: the same partials
 * (sums and user hashes) with the same timestamps and watermarks in the same order, the same dead
 * letters and the same late records, no raw id in any of them, and fewer HMACs.
 */
class AnonymizingPreAggregatorTest {

    private static final long NOW = 1_767_225_600_000L;
    private static final long HOUR = 3_600_000L;
    private static final long W = 1_000;
    private static final String TOPIC = "interactions";

    @TempDir
    Path tmp;
    private HmacKeySource key;

    @BeforeEach
    void writeKey() throws Exception {
        Path file = tmp.resolve("key");
        Files.writeString(file, "fused-test-secret-0123456789\n");
        key = new HmacKeySource("UNUSED", file.toString());
    }

    @Test
    void sameOutputsAsValidateAndAnonymizeThenThePreAggregatorWithFewerHmacs() throws Exception {
        Random rnd = new Random(20261204L);
        long records = 0;
        long hmacs = 0;
        long refused = 0;
        long late = 0;
        long partials = 0;
        for (int trial = 0; trial < 60; trial++) {
            long[] t = runTrial(rnd, trial % 10 == 9);
            records += t[0];
            hmacs += t[1];
            refused += t[2];
            late += t[3];
            partials += t[4];
        }
        System.out.printf("fused: %d admitted records, %d HMACs for partials, %d refused, %d late, %d partials%n",
                records, hmacs, refused, late, partials);
        assertThat(refused).as("dead letters exercised").isGreaterThan(100);
        assertThat(late).as("late records exercised").isGreaterThan(50);
        assertThat(partials).isGreaterThan(1_000);
        assertThat(hmacs).as("users repeat within a group and window").isLessThan(records);
    }

    @Test
    void eachUserIsCountedOncePerGroupAndWindowAndPseudonymizedOnceWhileCached() throws Exception {
        try (var fused = fused(0, 100_000)) {
            for (int n = 0; n < 50; n++) {
                process(fused, payload(NOW + n, "raw-" + (n % 8), "g1"), NOW + n);
                process(fused, payload(NOW + n, "raw-" + (n % 8), "g2"), NOW + n);
            }
            process(fused, payload(NOW + W, "raw-0", "g1"), NOW + W); // the next window: counted again
            fused.processWatermark(new Watermark(Long.MAX_VALUE));
            AnonymizingPreAggregator op = (AnonymizingPreAggregator) fused.getOperator();
            // g2's users and the next window's user are the same people: their hashes come from the cache.
            assertThat(op.pseudonymizations()).isEqualTo(8);
            List<PartialDemand> out = fused.extractOutputValues();
            assertThat(out).extracting(p -> p.sums.users.size()).containsExactly(8, 8, 1);
            assertThat(out.get(0).sums.users.hashes).isEqualTo(out.get(1).sums.users.hashes);
            assertThat(out.get(2).sums.users.hashes).containsExactly(DistinctUsers.hash(pseudonym("raw-0")));
        }
    }

    @Test
    void usersTheCacheLostArePseudonymizedAgainToTheSameHash() throws Exception {
        int users = AnonymizingPreAggregator.PSEUDONYM_CACHE_SLOTS * 2;
        List<long[]> windows = new ArrayList<>();
        long hmacs = 0;
        try (var fused = fused(0, 10_000_000)) {
            for (int window = 0; window < 2; window++) {
                for (int u = 0; u < users; u++) {
                    process(fused, payload(NOW + window * W, "raw-" + u, "g" + (u % 1_000)), NOW + window * W);
                }
                fused.processWatermark(new Watermark(NOW + (window + 1) * W - 1));
                List<PartialDemand> out = fused.extractOutputValues();
                windows.add(out.stream().skip(window * 1_000L).flatMapToLong(p -> Arrays.stream(p.sums.users.hashes))
                        .sorted().toArray());
            }
            hmacs = ((AnonymizingPreAggregator) fused.getOperator()).pseudonymizations();
        }
        // Twice as many users as slots: the second window finds at most half of them.
        assertThat(hmacs).isGreaterThanOrEqualTo(users + users / 2L).isLessThan(2L * users);
        assertThat(windows.get(0)).hasSize(users).isEqualTo(windows.get(1));
        assertThat(windows.get(0)).contains(DistinctUsers.hash(pseudonym("raw-0")), DistinctUsers.hash(pseudonym("raw-" + (users - 1))));
    }

    @Test
    void usersOfTheGroupsWindowBeforeOrOfItsPartialSentAtABarrierAreFoundBesideIt() throws Exception {
        try (var fused = fused(0, 100_000)) {
            AnonymizingPreAggregator op = (AnonymizingPreAggregator) fused.getOperator();
            for (int u = 0; u < 5; u++) {
                process(fused, payload(NOW + u, "raw-" + u, "g1"), NOW + u);
            }
            assertThat(op.usersFromRecentPartials()).isZero();
            // The next window, while the first is still open: g1's users come from its partial there.
            for (int u = 0; u < 5; u++) {
                process(fused, payload(NOW + W + u, "raw-" + u, "g1"), NOW + W + u);
            }
            assertThat(op.usersFromRecentPartials()).isEqualTo(5);
            fused.prepareSnapshotPreBarrier(1); // everything sent; the window goes on in a new partial
            process(fused, payload(NOW + W + 10, "raw-3", "g1"), NOW + W + 10);
            process(fused, payload(NOW + W + 11, "raw-9", "g1"), NOW + W + 11); // new: from the cache or an HMAC
            assertThat(op.usersFromRecentPartials()).isEqualTo(6);
            assertThat(op.pseudonymizations()).isEqualTo(6);
            fused.processWatermark(new Watermark(Long.MAX_VALUE));
            List<PartialDemand> out = fused.extractOutputValues();
            assertThat(out).extracting(p -> p.sums.users.size()).containsExactly(5, 5, 2);
            assertThat(out.get(0).sums.users.hashes).isEqualTo(out.get(1).sums.users.hashes);
            assertThat(out.get(2).sums.users.hashes).containsExactlyInAnyOrder(
                    DistinctUsers.hash(pseudonym("raw-3")), DistinctUsers.hash(pseudonym("raw-9")));
        }
    }

    @Test
    void moreUsersThanAPartialRemembersAreStillCountedOnce() throws Exception {
        try (var fused = fused(0, 100_000)) {
            int users = AnonymizingPreAggregator.REMEMBERED_USERS * 3;
            for (int round = 0; round < 3; round++) {
                for (int u = 0; u < users; u++) {
                    process(fused, payload(NOW + round, "raw-" + u, "g"), NOW + round);
                }
            }
            fused.processWatermark(new Watermark(Long.MAX_VALUE));
            AnonymizingPreAggregator op = (AnonymizingPreAggregator) fused.getOperator();
            // Beyond the remembered ones each interaction looks its user up again, and finds it in the cache.
            assertThat(op.pseudonymizations()).isEqualTo(users);
            assertThat(fused.extractOutputValues()).singleElement().satisfies(p -> assertThat(p.sums.users.size()).isEqualTo(users));
        }
    }

    /** What comes after interactions waiting to be added together ({@link PreAggregatingOperator#BATCH}). */
    enum Flush { WATERMARK, BARRIER, IDLE, END_OF_INPUT, FINISH }

    @Test
    void interactionsWaitingToBeAddedTogetherAreInWhatAnythingElseSends() throws Exception {
        // 2 to 2 x BATCH + 2 interactions of one window (the first alone opens it; the rest wait in
        // batches), then each event that sends partials: none may be left out or come later.
        int batch = PreAggregatingOperator.BATCH;
        for (Flush flush : Flush.values()) {
            for (int n : new int[] {2, batch, batch + 1, 2 * batch + 2}) {
                try (var fused = fused(0, 100_000)) {
                    for (int k = 0; k < n; k++) {
                        process(fused, payload(NOW + k % 500, "raw-" + k, k % 2 == 0 ? "a" : "b"), NOW + k % 500);
                    }
                    switch (flush) {
                        case WATERMARK -> fused.processWatermark(new Watermark(NOW + W - 1));
                        case BARRIER -> fused.prepareSnapshotPreBarrier(1);
                        case IDLE -> fused.processWatermarkStatus(WatermarkStatus.IDLE);
                        case END_OF_INPUT -> fused.endInput();
                        case FINISH -> fused.getOperator().finish();
                    }
                    int a = (n + 1) / 2;
                    int b = n / 2;
                    assertThat(fused.extractOutputValues()).as("%s after %d", flush, n)
                            .extracting(p -> p.group + ":" + p.sums.cpuMillis + "/" + p.sums.users.size())
                            .containsExactlyInAnyOrder("a:" + 5.0 * a + "/" + a, "b:" + 5.0 * b + "/" + b);
                }
            }
        }
    }

    @Test
    void aReFiredInteractionAfterWaitingOnesIsSentAtOnceAndTheyStayInTheirWindow() throws Exception {
        try (var fused = fused(500, 100_000)) {
            fused.processWatermark(new Watermark(NOW + W - 1 + 499)); // window 0 closed, not yet late
            for (int k = 0; k < 5; k++) {
                process(fused, payload(NOW + W + k, "raw-" + k, "a"), NOW + W + k); // window 1: wait after the first
            }
            process(fused, payload(NOW + 5, "raw-9", "a"), NOW + 5); // window 0: re-fired alone, the waiting ones added first
            assertThat(fused.extractOutputValues()).extracting(p -> p.windowStart + ":" + p.sums.cpuMillis)
                    .containsExactly(NOW + ":5.0");
            fused.processWatermark(new Watermark(NOW + 2 * W - 1));
            assertThat(fused.extractOutputValues()).extracting(p -> p.windowStart + ":" + p.sums.cpuMillis)
                    .containsExactly(NOW + ":5.0", (NOW + W) + ":25.0");
        }
    }

    /** One trial; returns admitted records, HMACs, dead letters, late records, partials. */
    private long[] runTrial(Random rnd, boolean manyUsers) throws Exception {
        long lateness = new long[] {0, 500, 2_500}[rnd.nextInt(3)];
        int maxKeys = new int[] {1, 3, 100_000}[rnd.nextInt(3)];
        int groups = 1 + rnd.nextInt(manyUsers ? 2 : 6);
        int users = manyUsers ? 1 + AnonymizingPreAggregator.REMEMBERED_USERS * 2 : 1 + rnd.nextInt(12);
        int events = 300 + rnd.nextInt(700);
        long disorder = rnd.nextInt(3_000);

        OneInputStreamOperatorTestHarness<String, Interaction> validate = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ValidateAndAnonymize(TOPIC, key, HOUR, true)));
        validate.open();
        validate.setProcessingTime(NOW);
        OneInputStreamOperatorTestHarness<Interaction, PartialDemand> pre = new OneInputStreamOperatorTestHarness<>(
                new LocalDemandPreAggregator(W, lateness, maxKeys, DemandWindows.LATE));
        pre.open();
        OneInputStreamOperatorTestHarness<String, PartialDemand> fused = fused(lateness, maxKeys);

        long clock = NOW;
        long maxSeen = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        long admitted = 0;
        for (int n = 0; n < events; n++) {
            clock += rnd.nextInt(40);
            long ts = clock - (disorder == 0 ? 0 : rnd.nextLong(disorder + 1));
            String p = randomPayload(rnd, ts, groups, users);
            long stamp = stamp(p);
            if (rnd.nextInt(100) == 0 && stamp != Long.MIN_VALUE) {
                stamp += 1; // a source stamp that disagrees with the payload: refused by both
            }
            if (stamp != Long.MIN_VALUE && stamp <= NOW + HOUR) {
                maxSeen = Math.max(maxSeen, stamp);
            }
            // Each operator takes what the source left for it, as in the job (one parse per record).
            process(validate, p, stamp);
            for (Object o : validate.getOutput()) {
                if (o instanceof StreamRecord<?> r) {
                    @SuppressWarnings("unchecked")
                    StreamRecord<Interaction> rec = (StreamRecord<Interaction>) r;
                    pre.processElement(rec);
                    admitted++;
                }
            }
            validate.getOutput().clear();
            process(fused, p, stamp);
            double action = rnd.nextDouble();
            if (action < 0.08 && maxSeen != Long.MIN_VALUE) {
                long candidate = rnd.nextDouble() < 0.3 ? maxSeen : maxSeen - rnd.nextLong(disorder + 1);
                if (candidate > watermark) {
                    watermark = candidate;
                    pre.processWatermark(new Watermark(watermark));
                    fused.processWatermark(new Watermark(watermark));
                }
            } else if (action < 0.10) {
                pre.prepareSnapshotPreBarrier(n);
                fused.prepareSnapshotPreBarrier(n);
            }
        }
        pre.processWatermark(new Watermark(Long.MAX_VALUE));
        fused.processWatermark(new Watermark(Long.MAX_VALUE));

        List<String> expected = outputs(pre.getOutput());
        List<String> actual = outputs(fused.getOutput());
        assertThat(actual).isEqualTo(expected);
        List<String> expectedDead = deadLetters(validate);
        assertThat(deadLetters(fused)).isEqualTo(expectedDead);
        List<String> expectedLate = LocalPreAggregationEquivalenceTest.late(pre);
        List<String> actualLate = LocalPreAggregationEquivalenceTest.late(fused);
        assertThat(actualLate).isEqualTo(expectedLate);
        for (String s : concat(actual, deadLetters(fused), actualLate)) {
            assertThat(s).doesNotContain("raw-");
        }
        long hmacs = ((AnonymizingPreAggregator) fused.getOperator()).pseudonymizations();
        validate.close();
        pre.close();
        fused.close();
        return new long[] {admitted, hmacs, expectedDead.size(), expectedLate.size(), expected.size()};
    }

    private OneInputStreamOperatorTestHarness<String, PartialDemand> fused(long lateness, int maxKeys) throws Exception {
        OneInputStreamOperatorTestHarness<String, PartialDemand> h = new OneInputStreamOperatorTestHarness<>(
                new AnonymizingPreAggregator(TOPIC, key, HOUR, W, lateness, maxKeys, DemandWindows.LATE));
        h.open();
        h.setProcessingTime(NOW);
        return h;
    }

    /** What the source does: validate, leave the result for the chained operator, stamp. */
    private static long stamp(String payload) {
        return new SourceValidation.TimestampAssigner(TOPIC).extractTimestamp(payload, 0);
    }

    private static void process(OneInputStreamOperatorTestHarness<String, ?> h, String payload, long stamp) throws Exception {
        stamp(payload);
        h.processElement(new StreamRecord<>(payload, stamp));
    }

    /** The pseudonym the job gives a raw id under the test's key. */
    private String pseudonym(String raw) throws Exception {
        return new UserPseudonymizer(key.load()).pseudonym(raw);
    }

    private static String payload(long ts, String user, String group) {
        return "{\"ts\":" + ts + ",\"user\":\"" + user + "\",\"group\":\"" + group + "\",\"kind\":\"API_CALL\",\"cpuMillis\":5}";
    }

    private static String randomPayload(Random rnd, long ts, int groups, int users) {
        String user = "raw-" + rnd.nextInt(users);
        String group = "g" + rnd.nextInt(groups);
        switch (rnd.nextInt(40)) {
            case 0:
                return "{\"ts\":" + ts + ",\"user\":\"" + user + "\",\"group\":"; // cut off
            case 1:
                return "{\"ts\":" + ts + ",\"user\":\"" + user + "\",\"kind\":\"UI\"}"; // no group
            case 2:
                return "{\"ts\":" + (NOW + 2 * HOUR) + ",\"user\":\"" + user + "\",\"group\":\"" + group + "\",\"kind\":\"UI\"}";
            case 3:
                return "{\"ts\":" + ts + ",\"user\":\"" + user + "\",\"group\":\"" + group + "\",\"kind\":\"NAP\"}";
            default:
                break;
        }
        String[] kinds = {"API_CALL", "DATA_ACCESS", "UI"};
        StringBuilder b = new StringBuilder("{\"ts\":").append(ts);
        if (rnd.nextInt(30) != 0) {
            b.append(",\"user\":\"").append(user).append('"');
        } else {
            b.append(",\"user\":\"\""); // empty id: still an id
        }
        b.append(",\"group\":\"").append(group).append("\",\"kind\":\"").append(kinds[rnd.nextInt(3)]).append('"');
        if (rnd.nextInt(4) != 0) {
            b.append(",\"cpuMillis\":").append(rnd.nextInt(500));
        }
        if (rnd.nextInt(3) != 0) {
            b.append(",\"durationMs\":").append(rnd.nextInt(2000));
        }
        if (rnd.nextInt(3) != 0) {
            b.append(",\"memMb\":").append(rnd.nextInt(4096));
        }
        if (rnd.nextInt(2) != 0) {
            b.append(",\"netBytes\":").append(rnd.nextInt(1_000_000));
        }
        if (rnd.nextInt(3) == 0) {
            b.append(",\"bytesWritten\":").append(rnd.nextInt(10_000));
        }
        return b.append('}').toString();
    }

    private static List<String> outputs(Queue<Object> q) {
        List<String> l = new ArrayList<>();
        for (Object o : q) {
            if (o instanceof StreamRecord<?> r) {
                PartialDemand p = (PartialDemand) r.getValue();
                DemandAccumulator a = p.sums;
                l.add(r.getTimestamp() + " " + p.group + " " + p.windowStart + " " + a.cpuMillis + " " + a.memMbMillis + " "
                        + a.netBytes + " " + a.bytesWritten + " " + a.apiCalls + " " + a.dataAccesses + " " + a.uiEvents + " "
                        + Arrays.toString(a.users.hashes) + " " + a.users.sampled);
            } else if (o instanceof Watermark w) {
                l.add("watermark " + w.getTimestamp());
            }
        }
        return l;
    }

    private static List<String> deadLetters(AbstractStreamOperatorTestHarness<?> h) {
        List<String> l = new ArrayList<>();
        var side = h.getSideOutput(DeadLetters.TAG);
        if (side != null) {
            for (StreamRecord<DeadLetter> r : side) {
                DeadLetter d = r.getValue();
                // A payload the source could not read is stamped by the source's own clock read (once per
                // harness here): its time is not comparable, the rest is.
                String at = r.getTimestamp() == Long.MIN_VALUE ? "source clock" : String.valueOf(d.ts);
                l.add(r.getTimestamp() + " " + d.sourceTopic + " " + at + " " + d.reason + " " + d.payload);
            }
        }
        return l;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }
}
