package dev.prescale.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes the version-1 snapshots that {@link TargetDecisionStateEvolutionTest} restores, Flink's way
 * of testing state-schema evolution: a snapshot written by the OLD build, checked in, restored by
 * every later build. Run only on purpose, from the build before a state change:
 * {@code mvn -o -B -pl job test -Dtest=StateSnapshotWriterTest -Dprescale.snapshots.write=true}.
 * It never overwrites a snapshot (a later build must not replace the old layout it stands for).
 */
@EnabledIfSystemProperty(named = "prescale.snapshots.write", matches = "true")
class StateSnapshotWriterTest {

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void writeTargetDecisionsVersionOne(String backend) throws Exception {
        Path out = newFile(String.format(TargetDecisionSnapshots.V1, backend));
        TargetDecisionSnapshots.SEEN.clear();
        try (var h = TargetDecisionSnapshots.harness(backend)) {
            h.open();
            TargetDecisionSnapshots.feedVersionOne(h);
            assertThat(TargetDecisionSnapshots.SEEN).hasSize(TargetDecisionSnapshots.DECIDED);
            OperatorSnapshotUtil.writeStateHandle(h.snapshot(1L, 1L), out.toString());
        }
        System.out.printf("%s: %d bytes; last decision seen %s%n", out, Files.size(out),
                TargetDecisionSnapshots.SEEN.get(TargetDecisionSnapshots.SEEN.size() - 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void writeProbeCounterVersionOne(String backend) throws Exception {
        Path out = newFile(String.format(TargetDecisionSnapshots.PROBE_V1, backend));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ProbeCounterFunction()),
                (String s) -> s, Types.STRING)) {
            h.setStateBackend(TargetDecisionSnapshots.backend(backend));
            h.open();
            for (String k : new String[] {"a", "a", "b"}) {
                h.processElement(new StreamRecord<>(k, 1L));
            }
            OperatorSnapshotUtil.writeStateHandle(h.snapshot(1L, 1L), out.toString());
        }
        System.out.printf("%s: %d bytes%n", out, Files.size(out));
    }

    private static Path newFile(String resource) throws Exception {
        Path out = TargetDecisionSnapshots.source(resource);
        assertThat(out).as("a version-1 snapshot is never overwritten").doesNotExist();
        Files.createDirectories(out.getParent());
        return out;
    }
}
