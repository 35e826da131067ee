package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class GroupHistoryFunctionTest {

    private static GroupWindow window(long end, double cpu, double written, boolean update) {
        GroupWindow g = new GroupWindow();
        g.group = "g";
        g.windowStart = end - 1000;
        g.windowEnd = end;
        g.cpuCores = cpu;
        g.bytesWritten = written;
        g.apiCalls = 7;
        g.distinctUsers = 5;
        g.update = update;
        return g;
    }

    private static List<ForecastTask> tasks(KeyedOneInputStreamOperatorTestHarness<String, GroupWindow, ForecastTask> h) {
        List<ForecastTask> l = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                l.add((ForecastTask) ((StreamRecord<?>) o).getValue());
            }
        }
        return l;
    }

    @Test
    void keepsABoundedRingWithGapsAsZeroAndStorageAsARunningLevel() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new GroupHistoryFunction(4, 1000, 3, 60_000)), (GroupWindow w) -> w.group, Types.STRING)) {
            h.open();
            h.processElement(window(11_000, 1, 10, false), 10_999);
            h.processElement(window(12_000, 2, 10, false), 11_999);
            h.processElement(window(14_000, 4, 5, false), 13_999); // 13_000 had no traffic
            h.processElement(window(15_000, 5, 0, false), 14_999);
            List<ForecastTask> t = tasks(h);
            assertThat(t).hasSize(4);
            ForecastTask first = t.get(0);
            // Only known windows are sent: no padding before the group's first window.
            assertThat(first.history[ResourceType.CPU.ordinal()]).containsExactly(1.0);
            assertThat(first.covariates[0]).hasSize(1);
            assertThat(first.historySteps).isEqualTo(1);
            ForecastTask last = t.get(3);
            // The ring holds 4 windows: 12, 13 (gap = 0), 14, 15; window 11 has been overwritten.
            assertThat(last.history[ResourceType.CPU.ordinal()]).containsExactly(2.0, 0.0, 4.0, 5.0);
            assertThat(last.history[ResourceType.STORAGE.ordinal()]).containsExactly(20.0, 20.0, 25.0, 25.0);
            assertThat(last.observed[ResourceType.CPU.ordinal()]).isEqualTo(5.0);
            assertThat(last.historySteps).isEqualTo(4);
            assertThat(last.horizon).isEqualTo(3);
            assertThat(last.covariateNames).contains("apiCalls", "distinctUsers");
            assertThat(last.covariates[0]).containsExactly(7.0, 0.0, 7.0, 7.0);
        }
    }

    @Test
    void anUpdateCorrectsTheHistoryWithoutANewForecast() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new GroupHistoryFunction(4, 1000, 3, 60_000)), (GroupWindow w) -> w.group, Types.STRING)) {
            h.open();
            h.processElement(window(11_000, 1, 10, false), 10_999);
            h.processElement(window(12_000, 2, 10, false), 11_999);
            h.processElement(window(11_000, 3, 30, true), 12_500);
            assertThat(tasks(h)).hasSize(2);
            h.processElement(window(13_000, 1, 0, false), 12_999);
            ForecastTask t = tasks(h).get(2);
            assertThat(t.history[ResourceType.CPU.ordinal()]).containsExactly(3.0, 2.0, 1.0);
            assertThat(t.observed[ResourceType.STORAGE.ordinal()]).isEqualTo(40.0);
        }
    }

    @Test
    void historyExpiresAfterTheTtl() throws Exception {
        // The cache of heads follows the state's TTL clock (in a job the system clock, as the state's).
        TtlTime time = new TtlTime();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new GroupHistoryFunction(4, 1000, 3, 10_000).ttlClock(time)),
                (GroupWindow w) -> w.group, Types.STRING)) {
            time.set(h, 0);
            h.open();
            h.processElement(window(11_000, 1, 10, false), 10_999);
            time.set(h, 20_000);
            h.processElement(window(12_000, 2, 0, false), 11_999);
            // The group went quiet for longer than the TTL: it starts afresh.
            ForecastTask t = tasks(h).get(1);
            assertThat(t.historySteps).isEqualTo(1);
            assertThat(t.observed[ResourceType.STORAGE.ordinal()]).isEqualTo(0.0);
        }
    }
    @Test
    void aFirstEmissionArrivingOutOfOrderIsForecastFromTheHistoryUpToItsOwnEnd() throws Exception {
        // At parallelism > 1 a group's windows come from several k-anonymity subtasks: window 13
        // may arrive after window 14. Skipping it (as before) lost that window's decision.
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new GroupHistoryFunction(4, 1000, 3, 60_000)), (GroupWindow w) -> w.group, Types.STRING)) {
            h.open();
            h.processElement(window(12_000, 2, 0, false), 11_999);
            h.processElement(window(14_000, 4, 0, false), 13_999);
            h.processElement(window(13_000, 3, 0, false), 13_999);
            List<ForecastTask> t = tasks(h);
            assertThat(t).extracting(x -> x.windowEnd).containsExactly(12_000L, 14_000L, 13_000L);
            ForecastTask late = t.get(2);
            // Causal: window 14 (already seen) is not in the history of the forecast from 13.
            assertThat(late.history[ResourceType.CPU.ordinal()]).containsExactly(2.0, 3.0);
            assertThat(late.observed[ResourceType.CPU.ordinal()]).isEqualTo(3.0);
            assertThat(late.historySteps).isEqualTo(2);
            // Inside the newest window's context: only the windows still stored are sent.
            h.processElement(window(16_000, 6, 0, false), 15_999);
            h.processElement(window(15_000, 5, 0, false), 15_999);
            ForecastTask inside = tasks(h).get(4);
            assertThat(inside.windowEnd).isEqualTo(15_000L);
            assertThat(inside.history[ResourceType.CPU.ordinal()]).containsExactly(3.0, 4.0, 5.0);
            // Older than the newest window's context: not stored, so no forecast (not a forecast from zeros).
            h.processElement(window(20_000, 1, 0, false), 19_999);
            h.processElement(window(10_000, 9, 0, false), 19_999);
            assertThat(tasks(h)).hasSize(6);
        }
    }
}
