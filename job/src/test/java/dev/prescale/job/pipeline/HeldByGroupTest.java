package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.pipeline.PreAggregatingOperator.Held;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pre-aggregation's group table against a {@code HashMap}: same lookups, insertion order, equal hashes apart. */
class HeldByGroupTest {

    @Test
    void findsWhatAHashMapFindsThroughGrowthAndKeepsInsertionOrder() {
        HeldByGroup table = new HeldByGroup();
        Map<String, Held> reference = new HashMap<>();
        Random rnd = new Random(7);
        String[] order = new String[5_000];
        int added = 0;
        for (int step = 0; step < 40_000; step++) {
            // New strings each time, as parsed payloads are: equal content, never the same object.
            String group = new String("group-" + rnd.nextInt(5_000));
            Held found = table.get(group);
            assertThat(found).isSameAs(reference.get(group));
            if (found == null) {
                Held h = new Held(group, 0L, 0);
                table.add(h);
                reference.put(group, h);
                order[added++] = group;
            }
        }
        assertThat(table.size()).isEqualTo(reference.size()).isEqualTo(added);
        for (int k = 0; k < added; k++) {
            assertThat(table.at(k).group).isEqualTo(order[k]);
        }
        assertThat(table.get("group-5000")).isNull();
    }

    @Test
    void groupsWithEqualHashesStayApart() {
        // "Aa" and "BB" share a String hash, and so every concatenation of them of one length.
        String[] same = {"AaAa", "AaBB", "BBAa", "BBBB"};
        assertThat(same[0].hashCode()).isEqualTo(same[3].hashCode());
        HeldByGroup table = new HeldByGroup();
        for (String g : same) {
            assertThat(table.get(g)).isNull();
            table.add(new Held(g, 0L, 0));
        }
        for (String g : same) {
            assertThat(table.get(new String(g)).group).isEqualTo(g);
        }
        assertThat(table.get("AaAb")).isNull();
    }

    @Test
    void aHeldSumIsSentAsAPlainAccumulatorWithItsUsers() {
        Held h = new Held("g", 60_000L, 4);
        h.cpuMillis = 5;
        h.memMbMillis = 6;
        h.netBytes = 7;
        h.bytesWritten = 8;
        h.apiCalls = 1;
        h.dataAccesses = 2;
        h.uiEvents = 3;
        h.users.addHash(42);
        PartialDemand p = h.toPartial(new DemandAggregator());
        assertThat(p.group).isEqualTo("g");
        assertThat(p.windowStart).isEqualTo(60_000L);
        assertThat(p.sums.getClass()).as("the POJO the window's serializer knows").isEqualTo(DemandAccumulator.class);
        assertThat(new double[] {p.sums.cpuMillis, p.sums.memMbMillis, p.sums.netBytes, p.sums.bytesWritten})
                .containsExactly(5, 6, 7, 8);
        assertThat(new long[] {p.sums.apiCalls, p.sums.dataAccesses, p.sums.uiEvents}).containsExactly(1, 2, 3);
        assertThat(p.sums.users.hashes).containsExactly(42);
    }
}
