package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class KAnonymityFunctionTest {

    private static GroupWindow window(String group, long end, double cpu, String... users) {
        GroupWindow g = new GroupWindow();
        g.group = group;
        g.windowStart = end - 1000;
        g.windowEnd = end;
        g.cpuCores = cpu;
        g.apiCalls = users.length;
        g.users = users;
        g.distinctUsers = users.length;
        return g;
    }

    private static KeyedOneInputStreamOperatorTestHarness<Long, GroupWindow, GroupWindow> harness(int k, long lateness) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Long, GroupWindow, GroupWindow> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new KAnonymityFunction(k, lateness)), w -> w.windowEnd, Types.LONG);
        h.open();
        return h;
    }

    private static List<GroupWindow> out(KeyedOneInputStreamOperatorTestHarness<Long, GroupWindow, GroupWindow> h) {
        List<GroupWindow> l = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                l.add((GroupWindow) ((StreamRecord<?>) o).getValue());
            }
        }
        return l;
    }

    @Test
    void smallGroupsAreMergedIntoOtherOnceTheWindowHasPassed() throws Exception {
        try (var h = harness(3, 0)) {
            h.processElement(window("big", 2000, 5, "a", "b", "c"), 1999);
            h.processElement(window("small1", 2000, 1, "d"), 1999);
            h.processElement(window("small2", 2000, 2, "d", "e"), 1999);
            h.processElement(window("small3", 2000, 4, "f"), 1999);
            // Without lateness a group of k users is final at once; the small ones wait for the window to pass.
            assertThat(out(h)).extracting(g -> g.group).containsExactly("big");
            h.processWatermark(1999);
            List<GroupWindow> o = out(h);
            assertThat(o).extracting(g -> g.group).containsExactlyInAnyOrder("big", "_other");
            GroupWindow other = o.stream().filter(g -> g.group.equals("_other")).findFirst().orElseThrow();
            assertThat(other.cpuCores).isEqualTo(7.0);
            assertThat(other.distinctUsers).isEqualTo(3); // d is in two groups, counted once
            assertThat(other.sourceGroups).isEqualTo(3);
            assertThat(o).allSatisfy(g -> assertThat(g.users).isNull());
            assertThat(o).noneMatch(g -> g.update);
            h.processWatermark(2000);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void anOtherBelowKIsNotEmittedAndNamedGroupsStayNamed() throws Exception {
        try (var h = harness(3, 0)) {
            h.processElement(window("big", 2000, 5, "a", "b", "c", "x"), 1999);
            h.processElement(window("mid", 2000, 6, "a", "b", "c"), 1999);
            h.processElement(window("small1", 2000, 1, "d"), 1999);
            h.processElement(window("small2", 2000, 2, "d", "e"), 1999);
            h.processWatermark(1999);
            // {d, e} would describe 2 people (k = 3): no _other; the named groups are untouched.
            assertThat(out(h)).extracting(g -> g.group).containsExactlyInAnyOrder("big", "mid");
        }
    }

    @Test
    void aLateRefiringReEmitsTheWindowAsAnUpdateUntilLatenessPassed() throws Exception {
        try (var h = harness(2, 5000)) {
            h.processElement(window("g", 2000, 1, "a"), 1999);
            h.processWatermark(1999);
            // _other would describe one person (k = 2): it is not emitted.
            assertThat(out(h)).isEmpty();
            h.getOutput().clear();
            // A late record brought the group to two users: it is now on its own, _other is zeroed.
            h.processElement(window("g", 2000, 2, "a", "b"), 1999);
            List<GroupWindow> o = out(h);
            assertThat(o).extracting(g -> g.group).containsExactlyInAnyOrder("g", "_other");
            assertThat(o).allMatch(g -> g.update);
            assertThat(o.stream().filter(g -> g.group.equals("_other")).findFirst().orElseThrow().cpuCores).isZero();
            h.processWatermark(7000);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
