package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.Interaction;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class DistinctUsersTest {

    @Test
    void countsExactlyUpToTheCap() {
        Random rnd = new Random(3);
        DistinctUsers d = new DistinctUsers();
        Set<String> truth = new HashSet<>();
        for (int i = 0; i < 20_000 && truth.size() < DistinctUsers.CAP; i++) {
            String u = "user-" + rnd.nextInt(3 * DistinctUsers.CAP);
            d.add(u);
            truth.add(u);
            assertThat(d.size()).isEqualTo(truth.size());
        }
        assertThat(truth).hasSize(DistinctUsers.CAP);
        assertThat(d.sampled).isFalse();
        for (int i = 1; i < d.hashes.length; i++) {
            assertThat(d.hashes[i]).isGreaterThan(d.hashes[i - 1]);
        }
        assertThat(d.ids()).doesNotHaveDuplicates().hasSize(DistinctUsers.CAP);
    }

    @Test
    void estimatesBeyondTheCapWithinAFewPercentAndStaysBounded() {
        for (int n : new int[] {DistinctUsers.CAP + 1, 10_000, 200_000}) {
            DistinctUsers d = new DistinctUsers();
            for (int i = 0; i < n; i++) {
                d.add("u" + i);
                d.add("u" + (i / 2)); // repeats do not count
            }
            assertThat(d.sampled).isTrue();
            assertThat(d.hashes).hasSize(DistinctUsers.CAP);
            // 3 standard errors of the K-minimum-values estimate.
            assertThat((double) d.size()).as("n=" + n).isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(7));
        }
    }

    @Test
    void unionIsTheSetUnionAndKeepsTheSketchConsistent() {
        DistinctUsers a = new DistinctUsers();
        DistinctUsers b = new DistinctUsers();
        DistinctUsers both = new DistinctUsers();
        for (int i = 0; i < 1500; i++) {
            a.add("a" + i);
            both.add("a" + i);
        }
        for (int i = 0; i < 1500; i++) {
            String u = i % 3 == 0 ? "a" + i : "b" + i; // a third shared with a
            b.add(u);
            both.add(u);
        }
        a.addAll(b);
        // More than the cap in the union: the union sketch equals the sketch of all adds.
        assertThat(a.hashes).isEqualTo(both.hashes);
        assertThat(a.sampled).isTrue().isEqualTo(both.sampled);
        assertThat(a.size()).isEqualTo(both.size());

        DistinctUsers x = new DistinctUsers();
        DistinctUsers y = new DistinctUsers();
        x.add("p");
        x.add("q");
        y.add("q");
        y.add("r");
        x.addAll(y);
        assertThat(x.size()).isEqualTo(3);
        assertThat(x.sampled).isFalse();
    }

    @Test
    void theAccumulatorIsAPojoWithoutKryoAndSurvivesItsSerializer() throws Exception {
        TypeInformation<DemandAccumulator> t = TypeExtractor.getAggregateFunctionAccumulatorType(
                new DemandAggregator(), TypeInformation.of(Interaction.class), null, false);
        assertThat(t).isInstanceOf(PojoTypeInfo.class);
        assertNoGenericType(t);

        DemandAccumulator a = new DemandAggregator().createAccumulator();
        Interaction i = new Interaction();
        i.user = "pseudonym-1";
        i.kind = Interaction.Kind.UI;
        i.cpuMillis = 12.0;
        new DemandAggregator().add(i, a);
        i.user = "pseudonym-2";
        new DemandAggregator().add(i, a);
        TypeSerializer<DemandAccumulator> s = t.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(a, out);
        DemandAccumulator back = s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.cpuMillis).isEqualTo(24.0);
        assertThat(back.uiEvents).isEqualTo(2);
        assertThat(back.users.size()).isEqualTo(2);
        assertThat(back.users.hashes).isEqualTo(a.users.hashes);
    }

    private static void assertNoGenericType(TypeInformation<?> t) {
        assertThat(t).as(t.toString()).isNotInstanceOf(GenericTypeInfo.class);
        if (t instanceof CompositeType<?> c) {
            for (int f = 0; f < c.getArity(); f++) {
                assertNoGenericType(c.getTypeAt(f));
            }
        }
    }
}
