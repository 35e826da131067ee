package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.Interaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The window state (uid window-demand) is the same with and without local aggregation: a snapshot
 * of the per-event window (the build before it) taken with a window open restores into the window
 * over partials and the window closes with every event in it, and back, on heap and RocksDB.
 */
class WindowStateAcrossLocalAggregationTest {

    private static final long W = 60_000;

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void perEventStateRestoresIntoThePreAggregatingWindow(String backend) throws Exception {
        List<Interaction> before = events(0, 40);
        List<Interaction> after = events(40, 80);
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, Interaction, GroupWindow> old = harness(perEvent(), backend, null)) {
            for (Interaction i : before) {
                old.processElement(i, i.ts);
            }
            old.processWatermark(W / 2);
            assertThat(old.extractOutputValues()).isEmpty();
            snapshot = old.snapshot(1, 1);
        }
        List<GroupWindow> restored;
        try (KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> upgraded = harness(fromPartials(), backend, snapshot);
                OneInputStreamOperatorTestHarness<Interaction, PartialDemand> pre = preAggregator()) {
            for (Interaction i : after) {
                pre.processElement(i, i.ts);
            }
            pre.processWatermark(W - 1);
            for (var r : pre.extractOutputStreamRecords()) {
                upgraded.processElement(r.getValue(), r.getTimestamp());
            }
            upgraded.processWatermark(W - 1);
            restored = sorted(upgraded.extractOutputValues());
        }
        assertSame(restored, allAtOnce(before, after));
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void preAggregatedStateRestoresIntoThePerEventWindow(String backend) throws Exception {
        List<Interaction> before = events(0, 40);
        List<Interaction> after = events(40, 80);
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> current = harness(fromPartials(), backend, null);
                OneInputStreamOperatorTestHarness<Interaction, PartialDemand> pre = preAggregator()) {
            for (Interaction i : before) {
                pre.processElement(i, i.ts);
            }
            pre.prepareSnapshotPreBarrier(1);
            for (var r : pre.extractOutputStreamRecords()) {
                current.processElement(r.getValue(), r.getTimestamp());
            }
            snapshot = current.snapshot(1, 1);
        }
        List<GroupWindow> restored;
        try (KeyedOneInputStreamOperatorTestHarness<String, Interaction, GroupWindow> back = harness(perEvent(), backend, snapshot)) {
            for (Interaction i : after) {
                back.processElement(i, i.ts);
            }
            back.processWatermark(W - 1);
            restored = sorted(back.extractOutputValues());
        }
        assertSame(restored, allAtOnce(before, after));
    }

    private static List<GroupWindow> allAtOnce(List<Interaction> before, List<Interaction> after) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Interaction, GroupWindow> h = harness(perEvent(), "heap", null)) {
            for (Interaction i : before) {
                h.processElement(i, i.ts);
            }
            for (Interaction i : after) {
                h.processElement(i, i.ts);
            }
            h.processWatermark(W - 1);
            return sorted(h.extractOutputValues());
        }
    }

    private static void assertSame(List<GroupWindow> actual, List<GroupWindow> expected) {
        assertThat(actual).hasSize(3).hasSameSizeAs(expected);
        for (int k = 0; k < expected.size(); k++) {
            GroupWindow x = expected.get(k);
            GroupWindow y = actual.get(k);
            assertThat(y.group).isEqualTo(x.group);
            assertThat(y.cpuCores).isCloseTo(x.cpuCores, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(y.memoryMb).isCloseTo(x.memoryMb, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(y.apiCalls + y.dataAccesses + y.uiEvents).isEqualTo(x.apiCalls + x.dataAccesses + x.uiEvents);
            assertThat(y.users).containsExactly(x.users);
            assertThat(y.update).isFalse();
        }
        // Both halves are in: 80 events over 3 groups.
        assertThat(actual.stream().mapToLong(g -> g.apiCalls + g.dataAccesses + g.uiEvents).sum()).isEqualTo(80);
    }

    private static List<Interaction> events(int from, int to) {
        List<Interaction> l = new ArrayList<>();
        Interaction.Kind[] kinds = Interaction.Kind.values();
        for (int n = from; n < to; n++) {
            Interaction i = new Interaction(500L * n + 7, "user-" + (n % 11), "group-" + (n % 3), kinds[n % 3]);
            i.cpuMillis = 10.0 + n;
            i.memMb = 100.0 + 3 * n;
            l.add(i);
        }
        return l;
    }

    private static List<GroupWindow> sorted(List<GroupWindow> l) {
        List<GroupWindow> s = new ArrayList<>(l);
        s.sort(Comparator.comparing((GroupWindow g) -> g.group));
        return s;
    }

    private static OneInputStreamOperatorTestHarness<Interaction, PartialDemand> preAggregator() throws Exception {
        OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = new OneInputStreamOperatorTestHarness<>(
                new LocalDemandPreAggregator(W, 0, 100_000, DemandWindows.LATE));
        h.open();
        return h;
    }

    private static SingleOutputStreamOperator<GroupWindow> perEvent() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        return DemandWindows.perEvent(env.fromData(TypeInformation.of(Interaction.class), new Interaction(0, "u", "g", null)), W, 0);
    }

    private static SingleOutputStreamOperator<GroupWindow> fromPartials() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        return DemandWindows.fromPartials(env.fromData(TypeInformation.of(PartialDemand.class), new PartialDemand("g", 0)), W, 0);
    }

    /** The job's own window operator and key selector, as DemandWindows wires them, opened (shared with other window tests). */
    @SuppressWarnings("unchecked")
    static <I> KeyedOneInputStreamOperatorTestHarness<String, I, GroupWindow> harness(
            SingleOutputStreamOperator<GroupWindow> windows, String backend, OperatorSubtaskState restore) throws Exception {
        OneInputTransformation<I, GroupWindow> t = (OneInputTransformation<I, GroupWindow>) windows.getTransformation();
        return started(new KeyedOneInputStreamOperatorTestHarness<>(
                t.getOperator(), (KeySelector<I, String>) t.getStateKeySelector(), Types.STRING), backend, restore);
    }

    /** A harness on the heap or RocksDB backend, restored from a snapshot if one is given, opened. */
    static <H extends AbstractStreamOperatorTestHarness<?>> H started(H h, String backend, OperatorSubtaskState restore)
            throws Exception {
        StateBackend b = "rocksdb".equals(backend) ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        h.setStateBackend(b);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }
}
