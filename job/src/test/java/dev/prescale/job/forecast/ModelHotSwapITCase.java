package dev.prescale.job.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.PrescaleJob;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.Sources;
import dev.prescale.job.io.StreamOutput;
import dev.prescale.job.pipeline.EngineDecider;
import dev.prescale.job.pipeline.TargetDecider;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.TargetState;
import dev.prescale.models.Forecaster;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a MiniCluster with the REAL shipped LSTM artifact (version 1), swapped at run
 * time to a copy announced as version 2 through the model-updates control stream: no restart, and
 * the groups' history (keyed state) carries on across the swap.
 */
class ModelHotSwapITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension();

    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long W = 300_000;
    // The LSTM needs a day of history (288 windows of 5 min) before it forecasts instead of its
    // seasonal-naive fallback: the swap comes after 300 windows, so both versions really run.
    static final int WINDOWS = 330;
    static final int SWAP_AT_WINDOW = 300;

    /** What each decision was made with: its model version and the history length of its outlooks. */
    record Seen(long timestamp, String model, int historySteps, String note) {}

    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    static final CountDownLatch NEW_MODEL_LOADED = new CountDownLatch(1);
    static volatile String newLocation;

    /** The real location factory that also says when the announced model was loaded. */
    static final class SignallingFactory implements ForecasterFactory {
        private static final long serialVersionUID = 1L;
        private final String location;

        SignallingFactory(String location) {
            this.location = location;
        }

        @Override
        public String location() {
            return location;
        }

        @Override
        public Forecaster create() throws Exception {
            Forecaster f = new ModelLocationFactory(location).create();
            if (location.equals(newLocation)) {
                NEW_MODEL_LOADED.countDown();
            }
            return f;
        }

        @Override
        public ForecasterFactory withLocation(String other) {
            return new SignallingFactory(other);
        }
    }

    /** The engine, recording what each decision saw. */
    static final class RecordingDecider implements TargetDecider {
        private static final long serialVersionUID = 1L;
        private final EngineDecider engine;

        RecordingDecider(EngineDecider engine) {
            this.engine = engine;
        }

        @Override
        public ScalingDecision decide(String target, long millis, List<ResourceOutlook> outlooks, TargetState state) {
            ScalingDecision d = engine.decide(target, millis, outlooks, state);
            if (d != null) {
                ResourceOutlook o = outlooks.get(0);
                SEEN.add(new Seen(millis, d.modelVersion, o.historySteps(), o.forecast() == null ? "" : o.forecast().note()));
            }
            return d;
        }

        @Override
        public long coldLaunchLeadSeconds(String target) {
            return engine.coldLaunchLeadSeconds(target);
        }
    }

    static Path shippedArtifact() {
        for (String p : List.of("../models/artifacts/lstm-quantile/1", "models/artifacts/lstm-quantile/1")) {
            if (Files.isRegularFile(Path.of(p, "model.json"))) {
                return Path.of(p).toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("the shipped artifact models/artifacts/lstm-quantile/1 is missing");
    }

    private static PrescaleConfig config(Path tmp, String model) throws Exception {
        Path key = tmp.resolve("hmac.key");
        Files.writeString(key, "hot-swap-secret-key-0123456789abcdef\n");
        String yaml = String.join("\n",
                "jobName: prescale-hot-swap",
                "parallelism: 1",
                "window: {size: 5m, maxOutOfOrderness: 2s, idleness: 10m, allowedLateness: 0s}",
                "anonymization: {k: 2, keyFile: " + key + "}",
                "forecast: {model: " + model + ", context: 2d, horizons: [15m], batchSize: 16, batchTimeout: 20ms}",
                "scaling:",
                "  minCapacity: 1",
                "  maxCapacity: 500",
                "  resources:",
                "    cpu: {capacityPerInstance: 1.0, minHistorySteps: 3}",
                "targets:",
                "  - {name: web, groups: ['*']}",
                // No checkpoint during the run: the test's sources wait in their task thread, and an
                // aligned barrier from one of them would hold the forecast operator until the other's
                // came (the restore of the model location is covered by ForecastModelSwapTest).
                "checkpointing: {interval: 10m, directory: " + tmp.resolve("checkpoints").toUri() + ", stateBackend: hashmap}",
                "flink: {restart-strategy.type: none}",
                "");
        return PrescaleConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    static String interaction(long ts, int user) {
        return "{\"ts\":" + ts + ",\"user\":\"user-" + user + "\",\"group\":\"checkout\",\"kind\":\"API_CALL\",\"cpuMillis\":"
                + (30_000 + 1000 * (ts / W % 7)) + ",\"memMb\":64,\"netBytes\":1000,\"bytesWritten\":10}";
    }

    @Test
    void decisionsSwitchFromVersionOneToTwoWithoutRestartAndHistoryGoesOn(@TempDir Path tmp) throws Exception {
        SEEN.clear();
        Path shipped = shippedArtifact();
        Path copy = Files.createDirectories(tmp.resolve("lstm-quantile-2"));
        try (var files = Files.list(shipped)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        String meta = Files.readString(copy.resolve("model.json"));
        assertThat(meta).contains("\"version\" : \"1\"");
        Files.writeString(copy.resolve("model.json"), meta.replace("\"version\" : \"1\"", "\"version\" : \"2\""));
        newLocation = copy.toString();
        String update = "{\"location\":\"" + copy + "\",\"version\":\"lstm-quantile/2\"}";

        PrescaleConfig config = config(tmp, shipped.toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(PrescaleJob.flinkConfiguration(config));
        // Interactions: 3 users a window; before the second half, wait until the new model is loaded.
        // The idleness is long: an idle interaction stream would let the finished (empty) utilization
        // input move the decisions' event time to the end while the swap is loading.
        // The shuffle (rebalance) keeps the job's own watermark operator running while this waits.
        DataStream<String> interactions = env.fromSequence(0, WINDOWS * 3L - 1).uid("it-interaction-numbers")
                .map(i -> {
                    if (i == SWAP_AT_WINDOW * 3L && !NEW_MODEL_LOADED.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the announced model was not loaded within 60 s");
                    }
                    return interaction(T0 + (i / 3) * W + 1000 * (i % 3), (int) (i % 3));
                }).returns(Types.STRING).uid("it-interactions").name("interactions, paused for the swap")
                .rebalance();
        // The control record (plus a malformed one for the dead-letter path), once decisions with
        // the first model have been made.
        DataStream<String> updates = env.fromSequence(0, 1).uid("it-update-numbers")
                .map(i -> {
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (SEEN.size() < SWAP_AT_WINDOW - 10 && System.currentTimeMillis() < deadline) {
                        Thread.sleep(20);
                    }
                    return i == 0 ? "{\"location\": 42}" : update;
                }).returns(Types.STRING).uid("it-updates").name("model updates after 290 decisions")
                .rebalance();
        Sources sources = Sources.ofPayloads(interactions, null, null).withModelUpdates(updates);
        DataStream<ScalingDecision> decisions = PrescaleJob.build(env, config, sources,
                new Sinks(List.<StreamOutput<ScalingDecision>>of(), null),
                new SignallingFactory(shipped.toString()), new RecordingDecider(new EngineDecider(config)));
        decisions.sinkTo(new DiscardingSink<>()).uid("it-discard").name("discard");

        long start = System.nanoTime();
        JobExecutionResult result = env.execute();
        System.out.printf("hot swap job: %d decisions in %.1f s%n", SEEN.size(), (System.nanoTime() - start) / 1e9);

        assertThat(NEW_MODEL_LOADED.getCount()).isZero();
        List<String> models = new ArrayList<>();
        for (Seen s : SEEN) {
            models.add(s.model());
        }
        System.out.println("around the swap: " + SEEN.subList(Math.max(0, SEEN.size() - 40), SEEN.size() - 25));
        int firstNew = -1;
        for (int i = 0; i < models.size() && firstNew < 0; i++) {
            firstNew = models.get(i).startsWith("lstm-quantile/2") ? i : -1;
        }
        assertThat(firstNew).as("a decision with the new model").isPositive();
        assertThat(models.subList(0, firstNew)).hasSizeGreaterThanOrEqualTo(SWAP_AT_WINDOW - 10)
                .allMatch(m -> m.startsWith("lstm-quantile/1"));
        assertThat(models.subList(firstNew, models.size())).hasSizeGreaterThanOrEqualTo(WINDOWS - SWAP_AT_WINDOW - 1)
                .allMatch(m -> m.startsWith("lstm-quantile/2"));
        // Both versions ran the network itself (not only the fallback of a short history).
        assertThat(SEEN.subList(0, firstNew)).anyMatch(s -> s.note().contains(": lstm h"));
        assertThat(SEEN.subList(firstNew, SEEN.size())).anyMatch(s -> s.note().contains(": lstm h"));
        // One job run, no restart: every window from the first decision on was decided exactly once.
        for (int i = 1; i < SEEN.size(); i++) {
            assertThat(SEEN.get(i).timestamp()).isEqualTo(SEEN.get(i - 1).timestamp() + W);
        }
        // Keyed state survived the swap: the history is longer after it than before it.
        assertThat(SEEN.get(firstNew).historySteps()).isGreaterThan(SEEN.get(firstNew - 1).historySteps())
                .isGreaterThan(5);
        assertThat(result.getJobExecutionResult()).isNotNull();
    }
}
