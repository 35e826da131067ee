package dev.prescale.job.reliability;

import static dev.prescale.job.reliability.TargetDecisionSnapshots.DECIDED;
import static dev.prescale.job.reliability.TargetDecisionSnapshots.PENDING;
import static dev.prescale.job.reliability.TargetDecisionSnapshots.SEEN;
import static dev.prescale.job.reliability.TargetDecisionSnapshots.STEP;
import static dev.prescale.job.reliability.TargetDecisionSnapshots.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.connectors.records.Utilization;
import dev.prescale.job.pipeline.TargetErrors;
import dev.prescale.job.pipeline.TargetPartial;
import dev.prescale.job.reliability.TargetDecisionSnapshots.Seen;
import dev.prescale.job.scaling.TargetState;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.StateMigrationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State-schema evolution, Flink's way: snapshots of the decision operator written by the build
 * before {@code TargetState.lastDecisionMillis} existed (checked in, see {@link StateSnapshotWriterTest})
 * are restored into this build on the heap and RocksDB backends. Every old value comes back (the
 * restored state equals that of this build fed the same inputs, field by field), the added field has
 * its constructor default, and the restored pending window, utilization record, timers and error
 * trackers carry the target on exactly as an uninterrupted run does. A field whose type changed
 * (test-only {@link ProbeCounter}: int to long) is refused with Flink's {@link StateMigrationException}.
 */
class TargetDecisionStateEvolutionTest {

    private static final ValueStateDescriptor<TargetState> TARGET_STATE =
            new ValueStateDescriptor<>("target-state", TypeInformation.of(TargetState.class));
    private static final ValueStateDescriptor<TargetErrors> ERRORS =
            new ValueStateDescriptor<>("errors", TypeInformation.of(TargetErrors.class));

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void versionOneStateRestoresWithTheAddedFieldAtItsDefault(String backend) throws Exception {
        // This build, uninterrupted, for reference: the same inputs, then two more windows.
        SEEN.clear();
        TargetState expectedState;
        TargetErrors expectedErrors;
        List<Seen> expectedAfter;
        List<Integer> expectedDesired;
        try (var h = TargetDecisionSnapshots.harness(backend)) {
            h.open();
            TargetDecisionSnapshots.feedVersionOne(h);
            // Copies: the heap backend hands out its live objects, which the next windows change.
            expectedState = copy(value(h, TARGET_STATE), TargetState.class);
            expectedErrors = copy(value(h, ERRORS), TargetErrors.class);
            SEEN.clear();
            h.getOutput().clear();
            continueAfterSnapshot(h);
            expectedAfter = new ArrayList<>(SEEN);
            expectedDesired = desired(h);
        }
        assertThat(expectedState.lastDecisionMillis).isEqualTo(DECIDED * STEP);

        // The old build's snapshot, restored into this build.
        SEEN.clear();
        try (var h = TargetDecisionSnapshots.harness(backend)) {
            h.initializeState(OperatorSnapshotUtil.getResourceFilename(String.format(TargetDecisionSnapshots.V1, backend)));
            h.open();
            TargetState restored = value(h, TARGET_STATE);
            // The added field: its constructor value, as Flink's POJO serializer leaves it.
            assertThat(restored.lastDecisionMillis).isEqualTo(Long.MIN_VALUE);
            // Every old field, nested POJOs and arrays included, as the old build left it.
            assertThat(restored).usingRecursiveComparison().withEqualsForType(DOUBLES, Double.class)
                    .ignoringFields("lastDecisionMillis").isEqualTo(expectedState);
            assertThat(restored.lastDesired).isEqualTo(DECIDED + 2);
            assertThat(restored.measuredInService).isEqualTo(3);
            assertThat(restored.recentRecommendations).containsExactly(14, 15, 16, 17);
            assertThat(restored.calibrator(ResourceType.CPU).lastMillis).isEqualTo(DECIDED * STEP);
            TargetErrors errors = value(h, ERRORS);
            assertThat(errors).usingRecursiveComparison().withEqualsForType(DOUBLES, Double.class).isEqualTo(expectedErrors);
            assertThat(errors.recentError(ResourceType.CPU.ordinal())).isFinite().isPositive();

            continueAfterSnapshot(h);
            // The restored pending window (its forecast sum and timer) and the waiting utilization
            // record (in service 4, applied before it) are decided as in the uninterrupted run; only
            // the new field differs on the first decision after the restore (no previous decision known).
            assertThat(SEEN).hasSize(2);
            assertThat(SEEN.get(0).measuredInService()).isEqualTo(4);
            assertThat(SEEN.get(0).lastDecisionMillis()).isEqualTo(Long.MIN_VALUE);
            assertThat(expectedAfter.get(0).lastDecisionMillis()).isEqualTo(DECIDED * STEP);
            assertThat(SEEN.get(0)).usingRecursiveComparison().withEqualsForType(DOUBLES, Double.class)
                    .ignoringFields("lastDecisionMillis").isEqualTo(expectedAfter.get(0));
            assertThat(SEEN.get(1)).isEqualTo(expectedAfter.get(1));
            assertThat(SEEN.get(1).lastDecisionMillis()).isEqualTo(PENDING * STEP);
            assertThat(desired(h)).isEqualTo(expectedDesired).containsExactly(PENDING + 2, PENDING + 3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void aFieldWhoseTypeChangedIsRefusedWithStateMigrationException(String backend) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ProbeCounterFunction()),
                (String s) -> s, Types.STRING)) {
            h.setStateBackend(TargetDecisionSnapshots.backend(backend));
            h.initializeState(OperatorSnapshotUtil.getResourceFilename(String.format(TargetDecisionSnapshots.PROBE_V1, backend)));
            assertThatThrownBy(h::open)
                    .satisfies(e -> assertThat(ExceptionUtils.findThrowable(e, StateMigrationException.class))
                            .as("Flink's StateMigrationException in %s", e).isPresent())
                    .satisfies(e -> System.out.printf("%s: %s%n", backend,
                            ExceptionUtils.findThrowable(e, StateMigrationException.class).orElseThrow().getMessage()));
        }
    }

    /** Doubles are equal when bit-equal (NaN equals NaN: "no value yet" in the calibrators). */
    private static final java.util.function.BiPredicate<Double, Double> DOUBLES = (a, b) -> Double.compare(a, b) == 0;

    private static <T> T copy(T value, Class<T> type) {
        return TypeInformation.of(type).createSerializer(new SerializerConfigImpl()).copy(value);
    }

    /** The next window (the pending one's timer) and one more window after it. */
    private static void continueAfterSnapshot(KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> h)
            throws Exception {
        h.processBothWatermarks(new Watermark(PENDING * STEP - 1));
        h.processElement1(new StreamRecord<>(TargetPartial.of(TargetDecisionSnapshots.forecast(PENDING + 1)), (PENDING + 1) * STEP - 1));
        h.processBothWatermarks(new Watermark((PENDING + 1) * STEP - 1));
    }

    private static List<Integer> desired(KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> h) {
        List<Integer> l = new ArrayList<>();
        for (ScalingDecision d : h.extractOutputValues()) {
            l.add(d.desiredCapacity);
        }
        return l;
    }

    /** A value of the target's keyed state, read through the operator's backend with this build's serializer. */
    private static <T> T value(KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> h,
            ValueStateDescriptor<T> descriptor) throws Exception {
        KeyedStateBackend<Object> backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(TARGET);
        ValueState<T> state = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
        return state.value();
    }
}
