package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** Window sums to rates, and user ids only for the groups k-anonymity may merge into {@code _other}. */
class WindowResultFunctionTest {

    private static DemandAccumulator sums(int users) {
        DemandAccumulator a = new DemandAccumulator();
        a.cpuMillis = 120_000;
        for (int u = 0; u < users; u++) {
            a.users.add("user-" + u);
        }
        return a;
    }

    private static GroupWindow result(WindowResultFunction f, String group, int users) throws Exception {
        TimeWindow window = new TimeWindow(0, 60_000);
        List<GroupWindow> out = new ArrayList<>();
        WindowResultFunction.Context ctx = f.new Context() {
            @Override
            public TimeWindow window() {
                return window;
            }

            @Override
            public long currentProcessingTime() {
                return 0;
            }

            @Override
            public long currentWatermark() {
                return window.maxTimestamp();
            }

            @Override
            public KeyedStateStore windowState() {
                throw new AssertionError("no per-window state without allowed lateness");
            }

            @Override
            public KeyedStateStore globalState() {
                throw new AssertionError("no global state");
            }

            @Override
            public <X> void output(OutputTag<X> outputTag, X value) {
                throw new AssertionError("no side output");
            }
        };
        f.process(group, ctx, List.of(sums(users)), new Collector<>() {
            @Override
            public void collect(GroupWindow record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void groupsOfKOrMoreUsersGoOnWithoutTheirIdsAndWithoutPerWindowState() throws Exception {
        WindowResultFunction f = new WindowResultFunction(0, 3);
        GroupWindow big = result(f, "checkout", 3);
        assertThat(big.distinctUsers).isEqualTo(3);
        assertThat(big.users).isNull();
        assertThat(big.cpuCores).isEqualTo(2.0);
        assertThat(big.update).isFalse();
        GroupWindow small = result(f, "search", 2);
        assertThat(small.users).hasSize(2);
        // A group that is itself named _other is merged like a small one: its users count there.
        assertThat(result(f, "_other", 5).users).hasSize(5);
    }
}
