package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.Interaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Property: pre-aggregating before the keyBy changes nothing downstream. Random interaction
 * streams (groups, users, kinds, missing fields, disorder beyond a window, random and aggressive
 * watermarks, checkpoint barriers, tiny max-keys bounds, allowed lateness or none, groups past the
 * distinct-user cap) go through the job's per-event window and, separately, through the
 * pre-aggregator and the job's window over partials, with the same watermarks: the same
 * GroupWindows per (group, window) in the same order (first firing, then updates), sums equal to
 * 1e-9 relative, the same users, and the same late records; no partial is ever late. At some
 * checkpoint barriers the window over partials is snapshotted and restored into a new operator (on
 * the heap or RocksDB backend, per trial; the upstream then sends its last watermark again), and carries on;
 * the window gets the pre-aggregation's tiny bounds too, so it spills its heap to state all the time.
 */
class LocalPreAggregationEquivalenceTest {

    private static final long W = 1_000;

    @Test
    void preAggregatedWindowsEqualPerEventWindows() throws Exception {
        Random rnd = new Random(20261129L);
        Totals totals = new Totals();
        for (int trial = 0; trial < 80; trial++) {
            runTrial(rnd, trial % 16 == 15, totals);
        }
        System.out.printf("equivalence: %d firings (%d updates), %d late records, %d past the user cap, %d partials sent before their window closed, %d restores, %d spills%n",
                totals.windows, totals.updates, totals.late, totals.sampled, totals.flushedEarly, totals.restores, totals.spills);
        // The property was exercised where it matters, not only on easy streams.
        assertThat(totals.windows).isGreaterThan(1_000);
        assertThat(totals.updates).as("re-firings within the allowed lateness").isGreaterThan(50);
        assertThat(totals.late).as("late records").isGreaterThan(50);
        assertThat(totals.sampled).as("windows past the distinct-user cap").isPositive();
        assertThat(totals.flushedEarly).as("partials sent before their window closed").isPositive();
        assertThat(totals.restores).as("window operators restored from a snapshot").isGreaterThan(30);
        assertThat(totals.spills).as("the window's heap spilled to state").isGreaterThan(1_000);
    }

    private static void runTrial(Random rnd, boolean manyUsers, Totals totals) throws Exception {
        long lateness = new long[] {0, 500, 2_500}[rnd.nextInt(3)];
        int maxKeys = new int[] {1, 3, 100_000}[rnd.nextInt(3)];
        int groups = manyUsers ? 1 + rnd.nextInt(2) : 1 + rnd.nextInt(6);
        int users = manyUsers ? 100_000 : 1 + rnd.nextInt(40);
        int events = manyUsers ? 6_000 : 200 + rnd.nextInt(600);
        // Many users: thousands of distinct users in a window or two (past DistinctUsers.CAP).
        int step = manyUsers ? 0 : 1 + rnd.nextInt(40);
        long disorder = manyUsers ? rnd.nextInt(300) : rnd.nextInt(3_000);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KeyedOneInputStreamOperatorTestHarness<String, Interaction, GroupWindow> alone = windowHarness(DemandWindows.perEvent(
                env.fromData(TypeInformation.of(Interaction.class), new Interaction(0, "u", "g", null)), W, lateness));
        // A checkpoint restores into the backend that took it: one backend per trial.
        String backend = rnd.nextInt(4) == 0 ? "rocksdb" : "heap";
        KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> afterPre = windowHarness(
                overPartials(env, lateness, maxKeys), backend, null);
        List<GroupWindow> afterPreOut = new ArrayList<>();
        OneInputStreamOperatorTestHarness<Interaction, PartialDemand> pre = new OneInputStreamOperatorTestHarness<>(
                new LocalDemandPreAggregator(W, lateness, maxKeys, DemandWindows.LATE));
        pre.open();

        long clock = 10_000;
        long maxSeen = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        for (int n = 0; n < events; n++) {
            clock += manyUsers ? (rnd.nextInt(10) == 0 ? 1 : 0) : rnd.nextInt(step + 1);
            Interaction i = interaction(rnd, clock - (disorder == 0 ? 0 : rnd.nextLong(disorder + 1)), groups, users);
            maxSeen = Math.max(maxSeen, i.ts);
            alone.processElement(i, i.ts);
            pre.processElement(i, i.ts);
            forward(pre, afterPre, totals);
            double action = rnd.nextDouble();
            if (action < 0.08) {
                // Bounded out-of-orderness, sometimes far too aggressive (late records follow).
                long candidate = rnd.nextDouble() < 0.3 ? maxSeen : maxSeen - rnd.nextLong(disorder + 1);
                if (candidate > watermark) {
                    watermark = candidate;
                    alone.processWatermark(watermark);
                    pre.processWatermark(watermark);
                    forward(pre, afterPre, totals);
                }
            } else if (action < 0.10) {
                pre.prepareSnapshotPreBarrier(n);
                forward(pre, afterPre, totals);
                if (rnd.nextInt(16) == 0) {
                    afterPre = restored(afterPre, n, backend, overPartials(env, lateness, maxKeys), afterPreOut, totals);
                    totals.restores++;
                }
            }
        }
        alone.processWatermark(Long.MAX_VALUE);
        pre.processWatermark(Long.MAX_VALUE);
        forward(pre, afterPre, totals);

        afterPreOut.addAll(afterPre.extractOutputValues());
        totals.spills += spills(afterPre);
        assertSameWindows(byWindow(alone.extractOutputValues()), byWindow(afterPreOut), totals);
        assertThat(late(pre)).isEqualTo(late(alone));
        totals.late += late(alone).size();
        assertThat(afterPre.getSideOutput(DemandWindows.LATE_PARTIALS)).as("late partials").isNullOrEmpty();
        alone.close();
        afterPre.close();
        pre.close();
    }

    private static Interaction interaction(Random rnd, long ts, int groups, int users) {
        Interaction.Kind[] kinds = Interaction.Kind.values();
        Interaction.Kind kind = rnd.nextInt(10) == 0 ? null : kinds[rnd.nextInt(kinds.length)];
        Interaction i = new Interaction(ts, rnd.nextInt(20) == 0 ? null : "user-" + rnd.nextInt(users), "group-" + rnd.nextInt(groups), kind);
        i.cpuMillis = maybe(rnd, 1e3);
        i.durationMs = maybe(rnd, 5e3);
        i.memMb = maybe(rnd, 4e3);
        i.netBytes = maybe(rnd, 1e7);
        i.bytesWritten = maybe(rnd, 1e6);
        return i;
    }

    private static Double maybe(Random rnd, double scale) {
        return rnd.nextInt(8) == 0 ? null : rnd.nextDouble() * scale * (rnd.nextInt(50) == 0 ? 1e4 : 1);
    }

    /** Everything the pre-aggregator sent, in order, into the window over partials. */
    @SuppressWarnings("unchecked")
    private static void forward(OneInputStreamOperatorTestHarness<Interaction, PartialDemand> pre,
            KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> window, Totals totals) throws Exception {
        for (Object o : pre.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                PartialDemand p = (PartialDemand) r.getValue();
                assertThat(r.getTimestamp()).isEqualTo(p.windowStart + W - 1);
                if (p.windowStart + W - 1 > window.getCurrentWatermark()) {
                    totals.flushedEarly++;
                }
                window.processElement((StreamRecord<PartialDemand>) r);
            } else if (o instanceof Watermark w) {
                window.processWatermark(w);
            }
        }
        pre.getOutput().clear();
    }

    private static <I> KeyedOneInputStreamOperatorTestHarness<String, I, GroupWindow> windowHarness(
            SingleOutputStreamOperator<GroupWindow> windows) throws Exception {
        return windowHarness(windows, "heap", null);
    }

    private static <I> KeyedOneInputStreamOperatorTestHarness<String, I, GroupWindow> windowHarness(
            SingleOutputStreamOperator<GroupWindow> windows, String backend, OperatorSubtaskState restore) throws Exception {
        return WindowStateAcrossLocalAggregationTest.harness(windows, backend, restore);
    }

    private static long spills(KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> window) {
        return ((PartialDemandWindowOperator) window.getOperator()).spills();
    }

    /** The window over partials, holding at most {@code maxHeld} sums in heap (the job gives it the pre-aggregation's bound). */
    private static SingleOutputStreamOperator<GroupWindow> overPartials(StreamExecutionEnvironment env, long lateness, int maxHeld) {
        return DemandWindows.fromPartials(env.fromData(TypeInformation.of(PartialDemand.class), new PartialDemand("g", 0)), W, lateness,
                Integer.MAX_VALUE, maxHeld);
    }

    /**
     * The window operator snapshotted at a barrier and restored into a new one on {@code backend}
     * (what it sent so far goes to {@code out}); the new one gets the last watermark again, as after a
     * restore the upstream sends one before it sends records of windows that watermark closed.
     */
    private static KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> restored(
            KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> h, long checkpoint, String backend,
            SingleOutputStreamOperator<GroupWindow> fresh, List<GroupWindow> out, Totals totals) throws Exception {
        long watermark = h.getCurrentWatermark();
        out.addAll(h.extractOutputValues());
        totals.spills += spills(h);
        assertThat(h.getSideOutput(DemandWindows.LATE_PARTIALS)).as("late partials").isNullOrEmpty();
        OperatorSubtaskState snapshot = h.snapshot(checkpoint, checkpoint);
        h.close();
        KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> r = windowHarness(fresh, backend, snapshot);
        if (watermark != Long.MIN_VALUE) {
            r.processWatermark(watermark);
        }
        return r;
    }

    private static Map<String, List<GroupWindow>> byWindow(List<GroupWindow> out) {
        Map<String, List<GroupWindow>> m = new LinkedHashMap<>();
        for (GroupWindow g : out) {
            m.computeIfAbsent(g.group + "@" + g.windowEnd, k -> new ArrayList<>()).add(g);
        }
        return m;
    }

    /** The late side output's records, one line each (shared with {@link AnonymizingPreAggregatorTest}). */
    static List<String> late(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness<?> h) {
        List<String> l = new ArrayList<>();
        var side = h.getSideOutput(DemandWindows.LATE);
        if (side != null) {
            for (StreamRecord<Interaction> r : side) {
                Interaction i = r.getValue();
                l.add(r.getTimestamp() + " " + i.group + " " + i.user + " " + i.kind + " " + i.cpuMillis + " " + i.memMb + " "
                        + i.durationMs + " " + i.netBytes + " " + i.bytesWritten);
            }
        }
        return l;
    }

    private static void assertSameWindows(Map<String, List<GroupWindow>> expected, Map<String, List<GroupWindow>> actual, Totals totals) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, List<GroupWindow>> e : expected.entrySet()) {
            List<GroupWindow> exp = e.getValue();
            List<GroupWindow> act = actual.get(e.getKey());
            assertThat(act).as("firings of %s", e.getKey()).hasSameSizeAs(exp);
            for (int k = 0; k < exp.size(); k++) {
                GroupWindow x = exp.get(k);
                GroupWindow y = act.get(k);
                String what = e.getKey() + " firing " + k;
                assertThat(y.windowStart).as(what).isEqualTo(x.windowStart);
                assertThat(y.update).as(what).isEqualTo(x.update);
                assertClose(what + " cpu", x.cpuCores, y.cpuCores);
                assertClose(what + " memory", x.memoryMb, y.memoryMb);
                assertClose(what + " network", x.networkBytesPerSecond, y.networkBytesPerSecond);
                assertClose(what + " written", x.bytesWritten, y.bytesWritten);
                assertThat(y.apiCalls).as(what).isEqualTo(x.apiCalls);
                assertThat(y.dataAccesses).as(what).isEqualTo(x.dataAccesses);
                assertThat(y.uiEvents).as(what).isEqualTo(x.uiEvents);
                assertThat(y.distinctUsers).as(what).isEqualTo(x.distinctUsers);
                assertThat(y.users).as(what).containsExactly(x.users);
                totals.windows++;
                totals.updates += x.update ? 1 : 0;
                totals.sampled += x.users.length == DistinctUsers.CAP && x.distinctUsers > DistinctUsers.CAP ? 1 : 0;
            }
        }
    }

    private static void assertClose(String what, double expected, double actual) {
        double tolerance = 1e-9 * Math.max(Math.abs(expected), Math.abs(actual));
        assertThat(Math.abs(actual - expected)).as("%s: %s vs %s", what, expected, actual).isLessThanOrEqualTo(tolerance);
    }

    /** What the trials covered. */
    private static final class Totals {
        long windows;
        long updates;
        long late;
        long sampled;
        long flushedEarly;
        long restores;
        long spills;
    }
}
