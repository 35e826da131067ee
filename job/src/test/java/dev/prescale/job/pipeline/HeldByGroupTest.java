package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.pipeline.PreAggregatingOperator.Held;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pre-aggregation's group table against a {@code HashMap}: same lookups, insertion order, equal hashes apart, packed names. */
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
    void packedAndLongOrWideNamesFindWhatAHashMapFinds() {
        // Names around the packed limit, with characters beyond Latin-1, NULs, and prefixes of each other.
        HeldByGroup table = new HeldByGroup();
        Map<String, Held> reference = new HashMap<>();
        Random rnd = new Random(11);
        char[] alphabet = {'a', 'b', '\0', '\u00ff', '\u0100', '\u20ac', '-'};
        for (int step = 0; step < 30_000; step++) {
            char[] name = new char[rnd.nextInt(HeldByGroup.PACKED_CHARS + 6)];
            for (int i = 0; i < name.length; i++) {
                name[i] = alphabet[rnd.nextInt(rnd.nextInt(10) == 0 ? alphabet.length : 3)];
            }
            String group = new String(name);
            Held found = table.get(group);
            assertThat(found).as("'%s'", group).isSameAs(reference.get(group));
            if (found == null) {
                Held h = new Held(group, 0L, 0);
                table.add(h);
                reference.put(group, h);
            }
        }
        assertThat(table.size()).isEqualTo(reference.size());
        assertThat(reference.keySet()).anyMatch(g -> HeldByGroup.packedLength(g) < 0 && g.length() <= HeldByGroup.PACKED_CHARS)
                .anyMatch(g -> g.length() > HeldByGroup.PACKED_CHARS).anyMatch(g -> g.length() == HeldByGroup.PACKED_CHARS);
    }

    @Test
    void aNameIsPackedOnlyWhenShortAndLatin1() {
        assertThat(HeldByGroup.packedLength("")).isZero();
        assertThat(HeldByGroup.packedLength("a".repeat(HeldByGroup.PACKED_CHARS))).isEqualTo(HeldByGroup.PACKED_CHARS);
        assertThat(HeldByGroup.packedLength("a".repeat(HeldByGroup.PACKED_CHARS + 1))).isEqualTo(-1);
        assertThat(HeldByGroup.packedLength("caf\u00e9")).isEqualTo(4);
        assertThat(HeldByGroup.packedLength("\u20ac")).isEqualTo(-1);
        // "a" and "a\0" pack to the same words; the length tells them apart.
        assertThat(HeldByGroup.packed("a\0", 0)).isEqualTo(HeldByGroup.packed("a", 0));
        HeldByGroup table = new HeldByGroup();
        table.add(new Held("a", 0L, 0));
        assertThat(table.get("a\0")).isNull();
        assertThat(HeldByGroup.packed("abcdefghi", 1)).isEqualTo('i');
        assertThat(HeldByGroup.packed("abcdefghi", 2)).isZero();
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
