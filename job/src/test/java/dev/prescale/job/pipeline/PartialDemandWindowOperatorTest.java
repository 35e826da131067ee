package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The window over partials keeps open windows in heap and writes them to keyed state only at a
 * checkpoint: a window that opens and fires between two checkpoints leaves no state and no timer;
 * a snapshot holds every open window, restores (on the same or more subtasks) and fires them with the
 * sums they had; with allowed lateness a fired window waits in state, re-fires on a late partial
 * (across a restore too) and is gone at its cleanup time; later partials go to the late side output;
 * the state holds copies of the heap's sums; past its bound the heap spills to state and loses nothing.
 * On heap and RocksDB. (Equal to Flink's window: {@link LocalPreAggregationEquivalenceTest}; its
 * savepoints both ways: {@link WindowStateAcrossLocalAggregationTest}.)
 */
class PartialDemandWindowOperatorTest {

    private static final long W = 60_000;
    private static final int MAX_PARALLELISM = 128;

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void aWindowBetweenCheckpointsLeavesNoStateBehind(String backend) throws Exception {
        try (var h = harness(0, backend, null, 1, 0)) {
            for (String g : List.of("a", "b", "c")) {
                send(h, partial(g, 0, 10, "u1"));
                send(h, partial(g, 0, 5, "u2"));
            }
            assertThat(stored(h)).isZero();
            assertThat(operator(h).heldWindows()).isEqualTo(3);
            assertThat(h.numEventTimeTimers()).isEqualTo(3);

            h.processWatermark(W - 1);

            List<GroupWindow> out = sorted(h.extractOutputValues());
            assertThat(out).extracting(g -> g.group).containsExactly("a", "b", "c");
            assertThat(out).allSatisfy(g -> {
                assertThat(g.cpuCores).isEqualTo(15.0 / W);
                assertThat(g.distinctUsers).isEqualTo(2);
                assertThat(g.update).isFalse();
            });
            assertNothingLeft(h);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void aSnapshotHoldsTheOpenWindowsAndARestoreFiresThem(String backend) throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(0, backend, null, 1, 0)) {
            send(h, partial("a", 0, 10, "u1"));
            send(h, partial("b", 0, 20, "u2"));
            send(h, partial("a", W, 40, "u3"));
            snapshot = h.snapshot(1, 1);
            assertThat(stored(h)).isEqualTo(3);
            // After the snapshot: in the live operator, not in the snapshot.
            send(h, partial("a", 0, 1, "u9"));
            h.processWatermark(W - 1);
            assertThat(sorted(h.extractOutputValues())).extracting(g -> g.group + " " + cpu(g) + " " + g.distinctUsers)
                    .containsExactly("a 11 2", "b 20 1");
            assertThat(stored(h)).as("the fired windows' sums are deleted, the open one's stay").isEqualTo(1);
        }
        try (var r = harness(0, backend, snapshot, 1, 0)) {
            assertThat(operator(r).heldWindows()).isEqualTo(3);
            send(r, partial("c", 0, 7, "u4"));
            r.processWatermark(2 * W - 1);
            assertThat(r.extractOutputValues()).extracting(g -> g.group + "@" + g.windowStart + " " + cpu(g))
                    .containsExactlyInAnyOrder("a@0 10", "b@0 20", "c@0 7", "a@" + W + " 40");
            assertNothingLeft(r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void pastItsBoundTheHeapSpillsToStateAndLosesNothing(String backend) throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(0, 3, backend, null, 1, 0)) {
            for (String g : List.of("a", "b", "c")) {
                send(h, partial(g, 0, 10, "u1"));
            }
            assertThat(stored(h)).isZero();
            send(h, partial("d", 0, 10, "u1"));
            assertThat(operator(h).heldWindows()).as("spilled").isZero();
            assertThat(stored(h)).isEqualTo(4);
            // A spilled window's sums are read back before the next partial is added.
            send(h, partial("a", 0, 5, "u2"));
            send(h, partial("e", W, 7, "u3"));
            assertThat(operator(h).heldWindows()).isEqualTo(2);
            snapshot = h.snapshot(1, 1);
            h.processWatermark(W - 1);
            assertThat(sorted(h.extractOutputValues())).extracting(g -> g.group + " " + cpu(g) + " " + g.distinctUsers)
                    .containsExactly("a 15 2", "b 10 1", "c 10 1", "d 10 1");
            h.processWatermark(2 * W - 1);
            assertNothingLeft(h);
        }
        // Restored past its bound (5 windows in state, 3 fit): spilled at once, nothing lost.
        try (var r = harness(0, 3, backend, snapshot, 1, 0)) {
            assertThat(operator(r).heldWindows()).isZero();
            send(r, partial("b", 0, 1, "u4"));
            r.processWatermark(2 * W - 1);
            assertThat(r.extractOutputValues()).extracting(g -> g.group + "@" + g.windowStart + " " + cpu(g))
                    .containsExactlyInAnyOrder("a@0 15", "b@0 11", "c@0 10", "d@0 10", "e@" + W + " 7");
            assertNothingLeft(r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void theStateKeepsWhatTheCheckpointWroteNotTheLiveSums(String backend) throws Exception {
        OperatorSubtaskState snapshot;
        // On the heap backend the state holds the object it is given: a snapshot running
        // asynchronously must not see the heap's sums change under it.
        try (var h = harness(0, backend, null, 1, 0)) {
            send(h, partial("a", 0, 10, "u1"));
            h.snapshot(1, 1);
            send(h, partial("a", 0, 5, "u2"));
            assertThat(operator(h).storedSums("a", 0).cpuMillis).isEqualTo(10);
            snapshot = h.snapshot(2, 2);
            assertThat(operator(h).storedSums("a", 0).cpuMillis).isEqualTo(15);
        }
        // Read back on restore: a copy too.
        try (var r = harness(0, backend, snapshot, 1, 0)) {
            send(r, partial("a", 0, 1, "u3"));
            assertThat(operator(r).storedSums("a", 0).cpuMillis).isEqualTo(15);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void aSnapshotRestoresOnMoreSubtasksByKeyGroup(String backend) throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(0, backend, null, 1, 0)) {
            for (int g = 0; g < 40; g++) {
                send(h, partial("g" + g, 0, g, "u" + g));
            }
            snapshot = h.snapshot(1, 1);
        }
        List<GroupWindow> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState part = AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, MAX_PARALLELISM, 1, 2, subtask);
            try (var r = harness(0, backend, part, 2, subtask)) {
                int held = operator(r).heldWindows();
                assertThat(held).as("subtask %d holds only its key groups", subtask).isBetween(1, 39);
                r.processWatermark(W - 1);
                List<GroupWindow> out = r.extractOutputValues();
                assertThat(out).hasSize(held);
                for (GroupWindow g : out) {
                    assertThat(seen.add(g.group)).as("%s fired once", g.group).isTrue();
                }
                all.addAll(out);
            }
        }
        assertThat(all).hasSize(40).allSatisfy(g -> assertThat(cpu(g)).isEqualTo(Long.parseLong(g.group.substring(1))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void withLatenessAFiredWindowWaitsInStateAndFiresAgain(String backend) throws Exception {
        long lateness = 2 * W;
        OperatorSubtaskState snapshot;
        try (var h = harness(lateness, backend, null, 1, 0)) {
            send(h, partial("a", 0, 10, "u1"));
            h.processWatermark(W - 1);
            assertThat(h.extractOutputValues()).extracting(g -> cpu(g) + " " + g.update).containsExactly("10 false");
            assertThat(operator(h).heldWindows()).as("not in heap once fired").isZero();
            assertThat(stored(h)).as("in state, for late partials").isEqualTo(1);

            send(h, partial("a", 0, 5, "u2"));
            assertThat(h.extractOutputValues()).extracting(g -> cpu(g) + " " + g.distinctUsers + " " + g.update)
                    .containsExactly("10 1 false", "15 2 true");
            snapshot = h.snapshot(1, 1);

            h.processWatermark(W - 1 + lateness);
            assertThat(stored(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            send(h, partial("a", 0, 1, "u3"));
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(h.getSideOutput(DemandWindows.LATE_PARTIALS)).extracting(StreamRecord::getValue)
                    .extracting(p -> p.group).containsExactly("a");
        }
        // Restored, the window is known to have fired: the next partial's firing is an update with every sum.
        try (var r = harness(lateness, backend, snapshot, 1, 0)) {
            r.processWatermark(W);
            send(r, partial("a", 0, 100, "u4"));
            assertThat(r.extractOutputValues()).extracting(g -> cpu(g) + " " + g.distinctUsers + " " + g.update)
                    .containsExactly("115 3 true");
            r.processWatermark(W - 1 + lateness);
            assertThat(stored(r)).isZero();
            assertThat(operator(r).heldWindows()).isZero();
        }
        // Restored before any watermark (it starts from none): the partial looks on time, the window
        // fires when the watermark passes its end again, as an update with every sum.
        try (var r = harness(lateness, backend, snapshot, 1, 0)) {
            send(r, partial("a", 0, 100, "u4"));
            assertThat(r.extractOutputValues()).isEmpty();
            r.processWatermark(W - 1);
            assertThat(r.extractOutputValues()).extracting(g -> cpu(g) + " " + g.distinctUsers + " " + g.update)
                    .containsExactly("115 3 true");
            r.processWatermark(W - 1 + lateness);
            assertThat(stored(r)).isZero();
            assertThat(r.numEventTimeTimers()).isZero();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> harness(long lateness, String backend,
            OperatorSubtaskState restore, int parallelism, int subtask) throws Exception {
        return harness(lateness, Integer.MAX_VALUE, backend, restore, parallelism, subtask);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> harness(long lateness, int maxHeld,
            String backend, OperatorSubtaskState restore, int parallelism, int subtask) throws Exception {
        KeySelector<PartialDemand, String> byGroup = p -> p.group;
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new PartialDemandWindowOperator(W, lateness, Integer.MAX_VALUE, maxHeld,
                DemandWindows.LATE_PARTIALS), byGroup, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        return WindowStateAcrossLocalAggregationTest.started(h, backend, restore);
    }

    private static PartialDemandWindowOperator operator(KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> h) {
        return (PartialDemandWindowOperator) h.getOperator();
    }

    /** (group, window) sums in the keyed state backend. */
    private static long stored(KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> h) {
        try (Stream<?> s = operator(h).getKeyedStateBackend().getKeysAndNamespaces(PartialDemandWindowOperator.CONTENTS)) {
            return s.count();
        }
    }

    private static PartialDemand partial(String group, long windowStart, double cpuMillis, String user) {
        PartialDemand p = new PartialDemand(group, windowStart);
        p.sums.cpuMillis = cpuMillis;
        p.sums.apiCalls = 1;
        p.sums.users.add(user);
        return p;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> h, PartialDemand p) throws Exception {
        h.processElement(p, p.windowStart + W - 1);
    }

    /** No sums in state or heap, no timer. */
    private static void assertNothingLeft(KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> h) {
        assertThat(stored(h)).isZero();
        assertThat(operator(h).heldWindows()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    /** The window's CPU milliseconds (its rate times the window). */
    private static long cpu(GroupWindow g) {
        return Math.round(g.cpuCores * W);
    }

    private static List<GroupWindow> sorted(List<GroupWindow> l) {
        List<GroupWindow> s = new ArrayList<>(l);
        s.sort(Comparator.comparing((GroupWindow g) -> g.group).thenComparingLong(g -> g.windowStart));
        return s;
    }
}
