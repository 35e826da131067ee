package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.Interaction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class LocalDemandPreAggregatorTest {

    private static final long W = 60_000;

    private static Interaction event(long ts, String group, String user, double cpu) {
        Interaction i = new Interaction(ts, user, group, Interaction.Kind.API_CALL);
        i.cpuMillis = cpu;
        return i;
    }

    private static OneInputStreamOperatorTestHarness<Interaction, PartialDemand> harness(long lateness, int maxKeys) throws Exception {
        OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = new OneInputStreamOperatorTestHarness<>(
                new LocalDemandPreAggregator(W, lateness, maxKeys, DemandWindows.LATE));
        h.open();
        return h;
    }

    private static void add(OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h, Interaction i) throws Exception {
        h.processElement(i, i.ts);
    }

    /** Output in order: partials as "group@start:cpu/ts", watermarks as "W:ts", statuses by name. */
    private static List<String> drain(OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                PartialDemand p = (PartialDemand) r.getValue();
                out.add(p.group + "@" + p.windowStart + ":" + p.sums.cpuMillis + "/" + r.getTimestamp());
            } else if (o instanceof Watermark w) {
                out.add("W:" + w.getTimestamp());
            } else if (o instanceof WatermarkStatus s) {
                out.add(s.isIdle() ? "IDLE" : "ACTIVE");
            }
        }
        h.getOutput().clear();
        return out;
    }

    private static LocalDemandPreAggregator op(OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h) {
        return (LocalDemandPreAggregator) h.getOneInputOperator();
    }

    @Test
    void aWatermarkSendsThePartialsOfTheWindowsItClosesAndThenItself() throws Exception {
        try (OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = harness(0, 100)) {
            add(h, event(1_000, "a", "u1", 10));
            add(h, event(2_000, "a", "u2", 5));
            add(h, event(3_000, "b", "u1", 7));
            add(h, event(W + 1_000, "a", "u1", 1));
            assertThat(op(h).heldKeys()).isEqualTo(3);

            h.processWatermark(W - 2); // one ms before window 0's max timestamp: nothing closes
            assertThat(drain(h)).containsExactly("W:" + (W - 2));

            h.processWatermark(W - 1);
            List<String> out = drain(h);
            assertThat(out).hasSize(3);
            assertThat(out.subList(0, 2)).containsExactlyInAnyOrder("a@0:15.0/" + (W - 1), "b@0:7.0/" + (W - 1));
            assertThat(out.get(2)).isEqualTo("W:" + (W - 1));
            assertThat(op(h).heldKeys()).isEqualTo(1); // window 1 of a stays

            h.processWatermark(2 * W - 1);
            assertThat(drain(h)).containsExactly("a@" + W + ":1.0/" + (2 * W - 1), "W:" + (2 * W - 1));
        }
    }

    @Test
    void partialsCarryTheSumsAndUsersOfTheirWindow() throws Exception {
        try (OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = harness(0, 100)) {
            Interaction data = new Interaction(10, "u2", "a", Interaction.Kind.DATA_ACCESS);
            data.memMb = 100.0;
            data.durationMs = 20.0;
            data.netBytes = 300.0;
            data.bytesWritten = 40.0;
            add(h, event(5, "a", "u1", 2));
            add(h, data);
            add(h, event(20, "a", "u1", 3));
            h.processWatermark(Long.MAX_VALUE);
            List<PartialDemand> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            DemandAccumulator s = out.get(0).sums;
            assertThat(s.cpuMillis).isEqualTo(5.0);
            assertThat(s.memMbMillis).isEqualTo(2000.0);
            assertThat(s.netBytes).isEqualTo(300.0);
            assertThat(s.bytesWritten).isEqualTo(40.0);
            assertThat(s.apiCalls).isEqualTo(2);
            assertThat(s.dataAccesses).isEqualTo(1);
            assertThat(s.users.size()).isEqualTo(2);
        }
    }

    @Test
    void aCheckpointBarrierSendsEverythingItHolds() throws Exception {
        try (OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = harness(0, 100)) {
            add(h, event(1_000, "a", "u1", 1));
            add(h, event(W + 1_000, "b", "u1", 2));
            h.prepareSnapshotPreBarrier(1);
            assertThat(drain(h)).containsExactlyInAnyOrder("a@0:1.0/" + (W - 1), "b@" + W + ":2.0/" + (2 * W - 1));
            assertThat(op(h).heldKeys()).isZero();
            // After the barrier the same window starts a new partial; the window adds both up.
            add(h, event(2_000, "a", "u2", 4));
            h.processWatermark(W - 1);
            assertThat(drain(h)).containsExactly("a@0:4.0/" + (W - 1), "W:" + (W - 1));
        }
    }

    @Test
    void theEndOfInputAndFinishSendEverything() throws Exception {
        try (OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = harness(0, 100)) {
            add(h, event(1_000, "a", "u1", 1));
            h.endInput();
            assertThat(drain(h)).containsExactly("a@0:1.0/" + (W - 1));
            add(h, event(2_000, "b", "u1", 3));
            op(h).finish();
            assertThat(drain(h)).containsExactly("b@0:3.0/" + (W - 1));
            assertThat(op(h).heldKeys()).isZero();
        }
    }

    @Test
    void anElementOfALateWindowGoesUnchangedToTheLateOutput() throws Exception {
        try (OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = harness(0, 100)) {
            h.processWatermark(W - 1);
            drain(h);
            Interaction late = event(W - 1, "a", "u1", 9);
            late.name = "checkout";
            add(h, late);
            Interaction onTime = event(W, "a", "u1", 1);
            add(h, onTime);
            assertThat(h.getSideOutput(DemandWindows.LATE)).hasSize(1);
            StreamRecord<Interaction> r = h.getSideOutput(DemandWindows.LATE).peek();
            Interaction expected = event(W - 1, "a", "u1", 9);
            expected.name = "checkout";
            assertThat(r.getValue()).isEqualTo(expected);
            assertThat(r.getTimestamp()).isEqualTo(W - 1);
            assertThat(drain(h)).isEmpty();
            assertThat(op(h).heldKeys()).isEqualTo(1);
        }
    }

    @Test
    void anElementOfAClosedWindowWithinTheAllowedLatenessIsSentAtOnce() throws Exception {
        long lateness = 10_000;
        try (OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = harness(lateness, 100)) {
            h.processWatermark(W - 1 + lateness - 1); // window 0 closed, not yet late
            drain(h);
            add(h, event(5_000, "a", "u1", 2));
            assertThat(drain(h)).containsExactly("a@0:2.0/" + (W - 1));
            assertThat(op(h).heldKeys()).isZero();
            assertThat(h.getSideOutput(DemandWindows.LATE)).isNull();

            h.processWatermark(W - 1 + lateness); // now late
            add(h, event(5_000, "a", "u1", 2));
            assertThat(drain(h)).containsExactly("W:" + (W - 1 + lateness));
            assertThat(h.getSideOutput(DemandWindows.LATE)).hasSize(1);
        }
    }

    @Test
    void anUpstreamsInteractionIsAddedAtOnceForItMayChangeAfterwards() throws Exception {
        // With object reuse an upstream may change the object it passed: none of it may wait in a batch.
        try (OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = harness(0, 100)) {
            Interaction first = event(1_000, "a", "u1", 1);
            Interaction second = event(2_000, "a", "u2", 2); // the window's second: it could have waited
            add(h, first);
            add(h, second);
            first.cpuMillis = 100.0;
            second.cpuMillis = 100.0;
            h.processWatermark(W - 1);
            assertThat(drain(h)).containsExactly("a@0:3.0/" + (W - 1), "W:" + (W - 1));
        }
    }

    @Test
    void moreThanMaxKeysSendsEverything() throws Exception {
        try (OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = harness(0, 2)) {
            add(h, event(1_000, "a", "u1", 1));
            add(h, event(1_000, "b", "u1", 1));
            add(h, event(2_000, "a", "u1", 1)); // same key: still 2
            assertThat(drain(h)).isEmpty();
            add(h, event(1_000, "c", "u1", 1));
            assertThat(drain(h)).containsExactlyInAnyOrder("a@0:2.0/" + (W - 1), "b@0:1.0/" + (W - 1), "c@0:1.0/" + (W - 1));
            assertThat(op(h).heldKeys()).isZero();
        }
    }

    @Test
    void watermarkStatusIsForwardedUnchangedAndIdleSendsEverythingFirst() throws Exception {
        try (OneInputStreamOperatorTestHarness<Interaction, PartialDemand> h = harness(0, 100)) {
            add(h, event(1_000, "a", "u1", 1));
            // Downstream may stop waiting for this channel once it is idle: nothing may stay behind.
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            assertThat(op(h).heldKeys()).isZero();
            h.processWatermarkStatus(WatermarkStatus.ACTIVE);
            add(h, event(2_000, "a", "u1", 2));
            assertThat(drain(h)).containsExactly("a@0:1.0/" + (W - 1), "IDLE", "ACTIVE");
            assertThat(op(h).heldKeys()).isEqualTo(1);
        }
    }

    @Test
    void thePartialIsAFlinkPojoNotKryo() {
        assertThat(TypeInformation.of(PartialDemand.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(DemandAccumulator.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(DistinctUsers.class)).isInstanceOf(PojoTypeInfo.class);
        // With generic types disabled, a field that needed Kryo anywhere inside would throw here.
        SerializerConfigImpl noKryo = new SerializerConfigImpl();
        noKryo.setGenericTypes(false);
        assertThat(TypeInformation.of(PartialDemand.class).createSerializer(noKryo)).isNotNull();
    }
}
