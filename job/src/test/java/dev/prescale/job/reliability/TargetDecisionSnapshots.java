package dev.prescale.job.reliability;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.connectors.records.Utilization;
import dev.prescale.job.pipeline.GroupForecast;
import dev.prescale.job.pipeline.TargetDecider;
import dev.prescale.job.pipeline.TargetDecisionFunction;
import dev.prescale.job.pipeline.TargetPartial;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.TargetState;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * The inputs, decider and harness shared by the writer of the version-1 snapshots of the decision
 * operator's state ({@link StateSnapshotWriterTest}) and the test that restores them into the
 * current build ({@link TargetDecisionStateEvolutionTest}). Everything here must stay as it was when
 * the snapshots were written: the restore test checks the values these inputs produced.
 */
final class TargetDecisionSnapshots {

    /**
     * The checked-in snapshots of the decision operator written by the build before {@code
     * TargetState.lastDecisionMillis} was added (commit 326ee55; the decider then recorded no such field).
     */
    static final String V1 = "snapshots/target-decisions-v1-%s.snapshot";
    /** The checked-in snapshot of {@link ProbeCounter} with its first field layout. */
    static final String PROBE_V1 = "snapshots/probe-counter-v1-%s.snapshot";

    static final String TARGET = "web";
    /** Hourly windows: the error trackers keep a day of windows, 24 here (KB snapshots, not MB). */
    static final long STEP = 3_600_000;
    /** Windows 1..DECIDED (ending at k * STEP) are decided before the snapshot. */
    static final int DECIDED = 15;
    /** The window ending at PENDING * STEP has its forecast in state, not yet decided. */
    static final int PENDING = DECIDED + 1;
    /** Utilization applied before the snapshot (in service 3) and one waiting in state (in service 4). */
    static final long APPLIED_UTILIZATION_TS = 7 * STEP + STEP / 2;
    static final long PENDING_UTILIZATION_TS = PENDING * STEP - STEP / 2;

    /** What the decider saw, in order (static: the operator is serialized into the harness). */
    record Seen(long at, int lastDesired, long lastScaleOutMillis, int measuredInService, double recentCpuError,
            long lastDecisionMillis) {}

    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    private TargetDecisionSnapshots() {}

    /**
     * A deterministic stand-in for the engine that touches several kinds of state fields: desired =
     * ceil(cpu p50 of the next window), the warm pool one more, the scale-out time when it rose, the
     * recommendation history and the CPU calibrator's nested POJO.
     */
    static final class StateTouchingDecider implements TargetDecider {
        private static final long serialVersionUID = 1L;

        @Override
        public ScalingDecision decide(String target, long decisionMillis, List<ResourceOutlook> outlooks, TargetState state) {
            SEEN.add(new Seen(decisionMillis, state.lastDesired, state.lastScaleOutMillis, state.measuredInService,
                    outlooks.get(ResourceType.CPU.ordinal()).recentError(), state.lastDecisionMillis));
            ScalingDecision d = new ScalingDecision();
            d.desiredCapacity = (int) Math.ceil(outlooks.get(ResourceType.CPU.ordinal()).forecast().p50()[0]);
            d.warmPoolSize = d.desiredCapacity + 1;
            d.reason = "snapshot test";
            if (d.desiredCapacity > state.lastDesired) {
                state.lastScaleOutMillis = decisionMillis;
            }
            state.lastDesired = d.desiredCapacity;
            state.lastWarmPool = d.warmPoolSize;
            int n = state.recentRecommendations.length;
            int[] recs = java.util.Arrays.copyOf(state.recentRecommendations, Math.min(n + 1, 4));
            long[] times = java.util.Arrays.copyOf(state.recentRecommendationMillis, recs.length);
            if (n + 1 > recs.length) {
                System.arraycopy(recs, 1, recs, 0, recs.length - 1);
                System.arraycopy(times, 1, times, 0, times.length - 1);
            }
            recs[recs.length - 1] = d.desiredCapacity;
            times[times.length - 1] = decisionMillis;
            state.recentRecommendations = recs;
            state.recentRecommendationMillis = times;
            state.calibrator(ResourceType.CPU).lastMillis = decisionMillis;
            state.calibrator(ResourceType.CPU).level = outlooks.get(ResourceType.CPU.ordinal()).observed();
            return d;
        }
    }

    /** The state backends the snapshots are written with and restored into. */
    static StateBackend backend(String name) {
        return switch (name) {
            case "heap" -> new HashMapStateBackend();
            case "rocksdb" -> new EmbeddedRocksDBStateBackend();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** The decision operator in a harness on the given backend, not yet initialized. */
    static KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> harness(String backend)
            throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new TargetDecisionFunction(new StateTouchingDecider())),
                (TargetPartial p) -> p.target, (Utilization u) -> u.target, Types.STRING);
        h.setStateBackend(backend(backend));
        return h;
    }

    /** Group "a"'s forecast for window k: CPU observed k, p50 k + 1.5 for the next two windows (0.5 too high). */
    static GroupForecast forecast(int k) {
        GroupForecast f = new GroupForecast();
        f.group = "a";
        f.target = TARGET;
        f.windowEnd = k * STEP;
        f.stepMillis = STEP;
        f.historySteps = k;
        f.observed = new double[] {k, 0, 0, 0};
        f.p10 = new double[4][];
        f.p50 = new double[4][];
        f.p90 = new double[4][];
        for (int r = 0; r < 4; r++) {
            double v = r == 0 ? k + 1.5 : 0;
            f.p10[r] = new double[] {v, v};
            f.p50[r] = new double[] {v, v};
            f.p90[r] = new double[] {v, v};
        }
        f.model = "m/1";
        f.note = "";
        return f;
    }

    static Utilization utilization(long ts, int inService, double cpu) {
        Utilization u = new Utilization(ts, TARGET);
        u.inService = inService;
        u.cpu = cpu;
        return u;
    }

    /** The version-1 history: windows 1..DECIDED decided, window PENDING and one utilization record waiting. */
    static void feedVersionOne(KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> h)
            throws Exception {
        for (int k = 1; k <= DECIDED; k++) {
            h.processElement1(new StreamRecord<>(TargetPartial.of(forecast(k)), k * STEP - 1));
            if (k * STEP > APPLIED_UTILIZATION_TS && (k - 1) * STEP <= APPLIED_UTILIZATION_TS) {
                h.processElement2(new StreamRecord<>(utilization(APPLIED_UTILIZATION_TS, 3, 7.0), APPLIED_UTILIZATION_TS));
            }
            h.processBothWatermarks(new Watermark(k * STEP - 1));
        }
        h.processElement1(new StreamRecord<>(TargetPartial.of(forecast(PENDING)), PENDING * STEP - 1));
        h.processElement2(new StreamRecord<>(utilization(PENDING_UTILIZATION_TS, 4, 15.5), PENDING_UTILIZATION_TS));
    }

    /** Where the writer puts a snapshot: the module's test resources (the working directory is the module). */
    static Path source(String resource) {
        return Path.of("src/test/resources").resolve(resource);
    }
}
