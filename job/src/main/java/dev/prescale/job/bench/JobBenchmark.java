package dev.prescale.job.bench;

import dev.prescale.connectors.json.InteractionValidator;
import dev.prescale.connectors.kafka.PayloadDeserializationSchema;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.PrescaleJob;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.forecast.ModelLocationFactory;
import dev.prescale.job.io.KafkaIo;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.Sources;
import dev.prescale.job.io.StreamOutput;
import dev.prescale.job.pipeline.EngineDecider;
import dev.prescale.job.pipeline.InteractionEventTime;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Benchmarks the whole job on a MiniCluster against a real Kafka broker (scripts/benchmark.sh):
 * <ul>
 *   <li>{@code throughput}: the whole job and a pass-through job (same bounded Kafka source, same
 *   parsing, output discarded) alternately on the same pre-loaded topic; prints {@code ratio=} last.
 *   Also decision latency, time in the model and checkpoints of the whole-job runs.</li>
 *   <li>{@code parallelism}: the whole job at parallelism 1 and 2 alternately.</li>
 *   <li>{@code scale}: one whole-job run; state, checkpoint and memory figures.</li>
 * </ul>
 * Options: {@code --bootstrap --groups --windows --per-group --rounds --parallelism --prefill-history --rate
 * (events/s per source subtask, 0 = as fast as possible) --checkpoint-interval --model --work-dir
 * --warmup-windows (throughput: also measure both jobs over the windows after these; ratio= then
 * compares those rates, and ratio_including_warmup= the whole runs) --fork (throughput: each run in a
 * JVM of its own)}.
 */
public final class JobBenchmark {

    private final Map<String, String> opts;
    private final String bootstrap;
    private final InteractionLoad load;
    private final Path workDir;
    private int runs;
    private String prefill;
    /** The ratio line of throughput and parallelism, printed last. */
    private String ratio;

    private JobBenchmark(Map<String, String> opts) {
        rejectRemovedOptions(opts);
        this.opts = opts;
        this.bootstrap = opt("bootstrap", "127.0.0.1:9092");
        this.load = new InteractionLoad(intOpt("groups", 10_000), intOpt("windows", 10), intOpt("per-group", 10),
                60_000L, intOpt("partitions", 2));
        this.workDir = Path.of(opt("work-dir", "/tmp/prescale-bench"));
    }

    /**
     * Fails on an option that no longer does anything, before the topic is loaded. {@code --element-queue}
     * (eighth pass) set {@code source.reader.element.queue.capacity} on the benchmark's source, but the
     * {@code KafkaSource} makes its element queue with Flink's default capacity (2) and never reads it.
     */
    static void rejectRemovedOptions(Map<String, String> opts) {
        if (opts.containsKey("element-queue")) {
            throw new IllegalArgumentException("--element-queue is gone: the KafkaSource ignores"
                    + " source.reader.element.queue.capacity (its element queue always has Flink's default capacity, 2)");
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: JobBenchmark throughput|parallelism|scale|run-one [--option value ...]");
            System.exit(2);
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        JobBenchmark b = new JobBenchmark(opts);
        System.out.println("load_average=" + Files.readString(Path.of("/proc/loadavg")).trim());
        b.load.ensureLoaded(b.bootstrap);
        switch (args[0]) {
            case "throughput" -> b.throughput();
            case "run-one" -> b.runOne();
            case "parallelism" -> b.parallelism();
            case "scale" -> b.scale();
            default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
        }
        System.out.println("load_average_end=" + Files.readString(Path.of("/proc/loadavg")).trim());
        if (b.ratio != null) {
            System.out.println(b.ratio); // the last line, for scripts
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ benchmarks

    private void throughput() throws Exception {
        int p = intOpt("parallelism", 1);
        System.out.println("local_aggregation=" + opt("local-aggregation", "true"));
        List<Double> pass = new ArrayList<>();
        List<Double> full = new ArrayList<>();
        List<Double> passMeasured = new ArrayList<>();
        List<Double> fullMeasured = new ArrayList<>();
        boolean fork = Boolean.parseBoolean(opt("fork", "false"));
        System.out.println("fork=" + fork);
        Result lastWhole = null;
        for (int r = 0; r < intOpt("rounds", 2); r++) {
            double[] t = fork ? runForked(false, p) : rates(run(false, p));
            double[] f;
            if (fork) {
                f = runForked(true, p);
            } else {
                lastWhole = run(true, p);
                f = rates(lastWhole);
            }
            pass.add(t[0]);
            passMeasured.add(t[1]);
            full.add(f[0]);
            fullMeasured.add(f[1]);
        }
        if (lastWhole != null) {
            summary(lastWhole); // forked runs printed their own
        }
        System.out.printf("passthrough_eps_median=%.0f full_eps_median=%.0f%n", median(pass), median(full));
        String whole = String.format("ratio=%.3f", median(full) / median(pass));
        if (warmupWindows() > 0) {
            // Both jobs measured over the same windows, after the same warm-up (JIT, a prefilled
            // restore and its first full checkpoint, RocksDB compacting what was restored).
            System.out.printf("warmup_windows=%d passthrough_eps_after_warmup_median=%.0f full_eps_after_warmup_median=%.0f%n",
                    warmupWindows(), median(passMeasured), median(fullMeasured));
            System.out.println("ratio_including_warmup=" + whole.substring("ratio=".length()));
            ratio = String.format("ratio=%.3f", median(fullMeasured) / median(passMeasured));
        } else {
            ratio = whole;
        }
    }

    /** The events per second of a run: from its first record, and over the windows after the warm-up. */
    private static double[] rates(Result r) {
        return new double[] {r.eventsPerSecond(), r.eventsPerSecondAfterWarmup()};
    }

    /**
     * {@code run-one --job whole|passthrough --run-number N}: one run in this JVM, as a child of
     * {@code throughput --fork true}; prints the run's line (and for the whole job its summary).
     */
    private void runOne() throws Exception {
        runs = intOpt("run-number", 1) - 1;
        boolean whole = switch (opt("job", "")) {
            case "whole" -> true;
            case "passthrough" -> false;
            default -> throw new IllegalArgumentException("--job must be whole or passthrough: " + opt("job", ""));
        };
        Result r = run(whole, intOpt("parallelism", 1));
        if (whole) {
            summary(r);
        }
    }

    /**
     * One run in a JVM of its own (same JVM options and classpath), as JMH forks each benchmark: the
     * JIT's type profiles and compiled code of one job (and of the prefill and the topic's load) no
     * longer shape the other's. The child's output is passed through; its run line gives the rates.
     */
    private double[] runForked(boolean wholeJob, int parallelism) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(JobBenchmark.class.getName());
        cmd.add("run-one");
        Map<String, String> childOpts = new LinkedHashMap<>(opts);
        childOpts.remove("fork");
        childOpts.put("bootstrap", bootstrap);
        childOpts.put("job", wholeJob ? "whole" : "passthrough");
        childOpts.put("parallelism", String.valueOf(parallelism));
        childOpts.put("run-number", String.valueOf(++runs));
        String savepoint = wholeJob ? prefilledSavepoint() : null; // written once, here, for every child
        if (savepoint != null) {
            childOpts.put("prefill-savepoint", savepoint);
        }
        childOpts.forEach((k, v) -> {
            cmd.add("--" + k);
            cmd.add(v);
        });
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        double[] rates = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println(line);
                if (line.startsWith("run=")) {
                    rates = new double[] {field(line, "eps"), field(line, "eps_after_warmup")};
                }
            }
        }
        int exit = child.waitFor();
        if (exit != 0 || rates == null) {
            throw new IllegalStateException("forked run " + runs + " (" + childOpts.get("job") + ") failed: exit " + exit);
        }
        return rates;
    }

    /** The number after {@code " name="} in a run line. */
    static double field(String line, String name) {
        Matcher m = Pattern.compile("(?:^| )" + Pattern.quote(name) + "=([0-9.]+)").matcher(line);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name + "= in: " + line);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Windows at the start of the load that are not measured (--warmup-windows, default 0). */
    private int warmupWindows() {
        int w = intOpt("warmup-windows", 0);
        if (w < 0 || w >= load.windows) {
            throw new IllegalArgumentException("--warmup-windows must be 0 to windows - 1: " + w);
        }
        return w;
    }

    private void parallelism() throws Exception {
        List<Double> one = new ArrayList<>();
        List<Double> two = new ArrayList<>();
        for (int r = 0; r < intOpt("rounds", 2); r++) {
            one.add(run(true, 1).eventsPerSecond());
            two.add(run(true, 2).eventsPerSecond());
        }
        System.out.printf("p1_eps_median=%.0f p2_eps_median=%.0f%n", median(one), median(two));
        ratio = String.format("ratio=%.3f", median(two) / median(one));
    }

    private void scale() throws Exception {
        Result r = run(true, intOpt("parallelism", 1));
        summary(r);
        RunObserver.Checkpoint c = r.largestCheckpoint;
        if (c != null) {
            System.out.printf("state_bytes_per_group=%.0f%n", (double) c.stateSize() / load.groups);
        }
    }

    private void summary(Result r) {
        List<Long> lat = new ArrayList<>(r.latencies);
        // In the order the decisions came out (window by window), then sorted for the percentiles.
        System.out.println("decision_latencies_ms=" + lat);
        Collections.sort(lat);
        System.out.printf("decisions=%d decisions_timed=%d decision_latency_ms_p50=%d p99=%d max=%d%n", r.decisions,
                lat.size(), pct(lat, 0.50), pct(lat, 0.99), lat.isEmpty() ? -1 : lat.get(lat.size() - 1));
        System.out.printf("model_series=%d model_mean_history_windows=%.0f model_seconds=%.2f model_us_per_series=%.1f"
                        + " model_share_of_process_cpu=%.3f%n",
                r.modelSeries, r.modelSeries == 0 ? 0 : (double) r.modelHistorySteps / r.modelSeries,
                r.modelNanos / 1e9, r.modelSeries == 0 ? 0 : r.modelNanos / 1e3 / r.modelSeries,
                r.cpuSeconds == 0 ? 0 : r.modelNanos / 1e9 / r.cpuSeconds);
        RunObserver.Checkpoint c = r.largestCheckpoint;
        System.out.printf("checkpoints=%d largest_checkpoint_state_bytes=%d checkpointed_bytes=%d duration_ms=%d%n",
                r.checkpoints, c == null ? -1 : c.stateSize(), c == null ? -1 : c.checkpointedSize(),
                c == null ? -1 : c.durationMillis());
        System.out.printf("max_heap_used_mb=%.0f max_rss_mb=%.0f max_rocksdb_dir_mb=%.0f%n",
                r.maxHeap / 1048576.0, r.maxRss / 1048576.0, r.maxRocksDir / 1048576.0);
    }

    // ------------------------------------------------------------------ one run

    /** What one run measured. */
    private record Result(double seconds, long records, double cpuSeconds, long modelNanos, long modelSeries, long modelHistorySteps,
            long decisions, List<Long> latencies, long deadLetters, int checkpoints,
            RunObserver.Checkpoint largestCheckpoint, long maxHeap, long maxRss, long maxRocksDir, long runningRecords,
            double runningSeconds, long measuredRecords, double measuredSeconds) {
        double eventsPerSecond() {
            return records / seconds;
        }

        /**
         * All events over the time from the moment every task was RUNNING (a prefilled restore
         * done) to the end: excludes the restore, but the source read ahead during it, so this is
         * an upper bound; {@link #eventsPerSecond()} (from the first record, restore included) is
         * the lower bound and the figure the ratios use.
         */
        /** Events of the windows after the warm-up over the time from the first of them to the end. */
        double eventsPerSecondAfterWarmup() {
            return measuredSeconds > 0 ? measuredRecords / measuredSeconds : eventsPerSecond();
        }

        double eventsPerSecondAfterRestore() {
            return runningSeconds > 0 && runningSeconds < seconds ? records / runningSeconds : eventsPerSecond();
        }
    }

    private Result run(boolean wholeJob, int parallelism) throws Exception {
        int n = ++runs;
        Path dir = workDir.resolve("run-" + n);
        deleteTree(dir);
        Files.createDirectories(dir);
        int restPort = freePort();
        String savepoint = wholeJob ? prefilledSavepoint() : null;
        PrescaleConfig config = config(dir, parallelism, restPort, savepoint);
        BenchRegistry.reset();
        BenchRegistry.measuredFromTs = warmupWindows() == 0 ? Long.MIN_VALUE
                : InteractionLoad.START_MILLIS + warmupWindows() * load.windowMillis;
        System.gc();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(PrescaleJob.flinkConfiguration(config));
        double rate = Double.parseDouble(opt("rate", "0"));
        // The whole job: payloads validated and stamped in the source, per partition, as KafkaIo does (parsed
        // once there). The pass-through parses in its map instead: one parse per record either way.
        DataStream<String> payloads = env.fromSource(source(),
                        wholeJob ? InteractionEventTime.forPayloads(config) : WatermarkStrategy.<String>noWatermarks(),
                        "kafka: " + load.topic())
                .uid("source-" + config.kafka.interactionsTopic)
                .map(new WindowCloseProbe(config.windowMillis(), config.maxOutOfOrdernessMillis(), rate))
                .uid("bench-window-close-probe").name("bench: window close probe");
        if (wholeJob) {
            StreamOutput<ScalingDecision> probe = s -> s.map(new DecisionProbe()).uid("bench-decision-probe").name("bench: decision probe")
                    .sinkTo(new DiscardingSink<>()).uid("bench-decision-discard").name("bench: discard");
            PrescaleJob.build(env, config, Sources.ofPayloads(payloads, null, null).withInteractionEventTimeAssigned(),
                    new Sinks(List.of(KafkaIo.decisionSink(config), probe),
                            s -> s.map(d -> {
                                BenchRegistry.DEAD_LETTERS.increment();
                                return d;
                            }).uid("bench-dlq-count").name("bench: count dead letters")
                                    .sinkTo(new DiscardingSink<>()).uid("bench-dlq-discard").name("bench: discard dead letters")),
                    new TimedForecasterFactory(ModelLocationFactory.checked(config.forecast.model)), new EngineDecider(config));
        } else {
            payloads.map(new ParseOnly(config.kafka.interactionsTopic)).uid("bench-parse").name("parse")
                    .sinkTo(new DiscardingSink<>()).uid("bench-discard").name("discard");
        }
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        // A prefilled savepoint is restored through execution.state-recovery.path in the
        // configuration (setting it on the StreamGraph was overwritten by the local executor).
        JobClient job = env.executeAsync((wholeJob ? "prescale-bench-" : "passthrough-bench-") + n);
        RunObserver observer = new RunObserver(restPort, job.getJobID().toHexString(), dir.resolve("rocksdb"));
        job.getJobExecutionResult().get();
        long t1 = System.nanoTime();
        long cpu1 = processCpuNanos();
        observer.close();
        long first = BenchRegistry.FIRST_RECORD_NANOS.get();
        double seconds = (t1 - Math.min(first, t1)) / 1e9;
        Result r = new Result(seconds, BenchRegistry.RECORDS.sum(), (cpu1 - cpu0) / 1e9, BenchRegistry.MODEL_NANOS.sum(),
                BenchRegistry.MODEL_SERIES.sum(), BenchRegistry.MODEL_HISTORY_STEPS.sum(), BenchRegistry.DECISIONS.get(), BenchRegistry.latencies(),
                BenchRegistry.DEAD_LETTERS.sum(), observer.checkpoints.size(), observer.largest(), observer.maxHeapUsed,
                observer.maxRss, observer.maxRocksDirBytes,
                BenchRegistry.RECORDS.sum() - observer.recordsWhenAllRunning,
                observer.allRunningNanos == 0 ? 0 : (t1 - observer.allRunningNanos) / 1e9,
                BenchRegistry.MEASURED_RECORDS.sum(),
                BenchRegistry.MEASURED_FIRST_NANOS.get() >= t1 ? 0 : (t1 - BenchRegistry.MEASURED_FIRST_NANOS.get()) / 1e9);
        System.out.printf("run=%d job=%s parallelism=%d records=%d seconds=%.2f (startup %.2f) eps=%.0f"
                        + " eps_after_restore=%.0f (all tasks RUNNING %.2f s before the end, %d records read since) cpu_s=%.1f"
                        + " eps_after_warmup=%.0f (%d records of the windows after the warm-up in %.2f s)"
                        + " dead_letters=%d decisions=%d checkpoints=%d%n",
                n, wholeJob ? "whole" : "passthrough", parallelism, r.records, seconds, (Math.min(first, t1) - t0) / 1e9,
                r.eventsPerSecond(), r.eventsPerSecondAfterRestore(), r.runningSeconds, r.runningRecords, r.cpuSeconds,
                r.eventsPerSecondAfterWarmup(), r.measuredRecords, r.measuredSeconds, r.deadLetters, r.decisions, r.checkpoints);
        if (r.records != load.events()) {
            throw new IllegalStateException("run " + n + " read " + r.records + " records, expected " + load.events());
        }
        deleteTree(dir);
        return r;
    }

    private KafkaSource<String> source() {
        KafkaSourceBuilder<String> b = KafkaSource.<String>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(load.topic())
                .setGroupId("bench-" + UUID.randomUUID())
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new PayloadDeserializationSchema())
                .setProperty("isolation.level", "read_committed");
        // Kafka's fetch sizes, as the job's own source has them (1 MB per partition). Earlier passes read
        // 32 KB per partition fetch, set when watermarks were assigned after parsing and a partition read
        // 1 MB behind the other was late; watermarks per partition in the source ended that. Small
        // fetches left the source waiting for the fetcher (BENCHMARKS.md, seventh pass).
        String fetchBytes = opt("max-partition-fetch-bytes", null);
        if (fetchBytes != null) {
            b.setProperty("max.partition.fetch.bytes", fetchBytes);
        }
        // Experiments (BENCHMARKS.md, eighth pass): records per poll.
        String pollRecords = opt("max-poll-records", null);
        if (pollRecords != null) {
            b.setProperty("max.poll.records", pollRecords);
        }
        return b.build();
    }

    /**
     * With {@code --prefill-history true}: a savepoint (written once per benchmark by
     * {@link HistoryPrefill}) in which every group already has a full context of history up to the load's first
     * window, so whole-job runs start from steady state instead of from young groups.
     */
    private String prefilledSavepoint() throws Exception {
        if (!Boolean.parseBoolean(opt("prefill-history", "false"))) {
            return null;
        }
        if (prefill == null && opts.containsKey("prefill-savepoint")) {
            prefill = opt("prefill-savepoint", null); // written by the parent of a forked run
        }
        if (prefill == null) {
            Path dir = workDir.resolve("prefill-savepoint");
            deleteTree(dir);
            PrescaleConfig c = config(workDir.resolve("prefill-config"), 1, freePort(), null);
            long t0 = System.nanoTime();
            prefill = HistoryPrefill.write(c, load.groups, InteractionLoad.START_MILLIS, dir,
                    ModelLocationFactory.checked(c.forecast.model).usesCovariates());
            System.out.printf("prefill_savepoint=%s groups=%d windows_per_group=%d written_in_s=%.1f bytes=%d%n", prefill,
                    load.groups, c.contextWindows(), (System.nanoTime() - t0) / 1e9, treeBytes(dir.resolve("savepoint")));
        }
        return prefill;
    }

    private static long treeBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** The job's configuration for one run: one-minute windows, every group to one target. */
    private PrescaleConfig config(Path dir, int parallelism, int restPort, String savepoint) throws IOException {
        Files.createDirectories(dir);
        Path key = dir.resolve("hmac.key");
        Files.writeString(key, "benchmark-secret-key-0123456789abcdef\n");
        String yaml = String.join("\n",
                "jobName: prescale-bench",
                "parallelism: " + parallelism,
                "kafka:",
                "  bootstrapServers: " + bootstrap,
                "  groupId: bench-" + UUID.randomUUID(),
                "  transactionalIdPrefix: bench-" + UUID.randomUUID(),
                "  decisionsTopic: bench-scaling-decisions",
                "window:",
                "  size: 1m",
                // --local-aggregation false: every interaction through the keyBy (the job before issue 8's pre-aggregation).
                "  localAggregation: " + opt("local-aggregation", "true"),
                "anonymization:",
                "  keyFile: " + key,
                "forecast:",
                "  model: " + opt("model", "snaive"),
                "  context: " + opt("context", "2d"),
                "scaling:",
                "  resources:",
                "    cpu: {capacityPerInstance: 2.0}",
                "    memory: {capacityPerInstance: 8192}",
                "targets:",
                "  - name: all",
                "    groups: ['*']",
                "checkpointing:",
                "  interval: " + opt("checkpoint-interval", "10s"),
                "  directory: " + dir.resolve("checkpoints").toUri(),
                "  stateBackend: " + opt("state-backend", "rocksdb"),
                "flink:",
                "  restart-strategy.type: none",
                "  rest.port: '" + restPort + "'",
                "  taskmanager.numberOfTaskSlots: '" + parallelism + "'",
                "  state.backend.rocksdb.localdir: " + dir.resolve("rocksdb"),
                // Pinned so that a prefilled savepoint (written for this many key groups) restores.
                "  pipeline.max-parallelism: '" + HistoryPrefill.MAX_PARALLELISM + "'",
                // RocksDB's block cache comes from managed memory (the MiniCluster's default is small).
                "  taskmanager.memory.managed.size: " + opt("managed-memory", "512m"),
                extraFlinkSettings(),
                savepoint == null ? "" : "  execution.state-recovery.path: '" + savepoint + "'",
                // The prefill job's source and sink state has no place here; whether the history
                // itself was restored shows in model_mean_history_windows.
                savepoint == null ? "" : "  execution.state-recovery.ignore-unclaimed-state: 'true'",
                "");
        return PrescaleConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The pass-through job's only work: the job's own parsing and validation of each payload. */
    private static final class ParseOnly implements MapFunction<String, Boolean> {
        private static final long serialVersionUID = 1L;
        private final InteractionValidator validator;

        ParseOnly(String topic) {
            this.validator = new InteractionValidator(topic);
        }

        @Override
        public Boolean map(String payload) {
            return validator.validate(payload, 0).isValid();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** {@code --flink key=value,key=value}: more Flink settings for both jobs (experiments), as YAML lines. */
    private String extraFlinkSettings() {
        StringBuilder out = new StringBuilder();
        for (String pair : opt("flink", "").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--flink takes key=value pairs separated by commas, not " + pair);
            }
            out.append(out.length() == 0 ? "" : "\n").append("  ").append(pair, 0, eq).append(": '")
                    .append(pair.substring(eq + 1)).append('\'');
        }
        return out.toString();
    }

    private String opt(String name, String dflt) {
        return opts.getOrDefault(name, dflt);
    }

    private int intOpt(String name, int dflt) {
        return Integer.parseInt(opt(name, String.valueOf(dflt)));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    static long pct(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get((int) Math.floor(q * (sorted.size() - 1)));
    }

    /**
     * Deletes a run's directory. Flink may still be discarding a checkpoint of the finished job in it
     * (one in flight when the bounded input ended): files vanish or appear under the walk, so it tries again.
     */
    private static void deleteTree(Path dir) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                if (!Files.exists(dir)) {
                    return;
                }
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                return;
            } catch (UncheckedIOException | IOException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
