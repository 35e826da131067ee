package dev.prescale.job.eval;

import dev.prescale.connectors.records.Interaction;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.PrescaleJob;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.forecast.ForecasterFactory;
import dev.prescale.job.forecast.ModelLocationFactory;
import dev.prescale.job.io.DecisionLogSink;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.Sources;
import dev.prescale.job.io.StreamOutput;
import dev.prescale.job.pipeline.EngineDecider;
import dev.prescale.job.scaling.ScalingPolicy;
import dev.prescale.models.Forecaster;
import dev.prescale.models.trace.Trace;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Replays a trace through the production job graph ({@link PrescaleJob#build}) on a local
 * MiniCluster, in event time and as fast as the machine allows: a bounded source emits the events
 * of {@link TraceToEvents} in place of Kafka, and the production {@link DecisionLogSink} writes the
 * decisions in place of AWS. The job's window is the trace's step, its capacity per instance is C,
 * its lead times are the policy's (EVALUATION.md's by default), and every group has at least k
 * distinct users per window. Decisions come back per trace row, stamped as EVALUATION.md wants
 * (the end of the row's step on the trace's own clock).
 *
 * <p>Against {@link OfflineReplay} (same engine, forecaster and data) the decisions are equal row by
 * row in both modes (FlinkReplayITCase, four days of a real trace): the job's forecast tasks carry
 * only the group's known history, as the offline replay passes it, and both measure the recent error
 * behind the confidence with the same {@link dev.prescale.job.scaling.LeadTimeErrorTracker} (the p50
 * of the cold-lead step against its value when observed, mean over the last day of steps, known
 * after min(12, steps per day)). The job's decision reasons add "no policy for" the three resources
 * the replay's CPU-only policy leaves out. Smaller differences remain on other traces: the replay's
 * axis is regular, so a trace with missing timestamps is replayed without
 * the gaps the offline engine's clock sees; the engine's clock is shifted by the trace's offset
 * from a multiple of the step (relative times are unchanged).
 */
public final class FlinkReplay {

    /** The interaction group the trace's demand is published under. */
    public static final String GROUP = "replay";

    private final ScalingPolicy policy;
    private final String forecaster;
    private final int historyDays;
    private final int minHorizon;
    private final int k;

    /**
     * @param policy the scaling policy; its capacity per instance is replaced by C (CPU only), as in {@link OfflineReplay}
     * @param forecaster {@code snaive}, a model artifact directory, or the class name of a {@link Forecaster}
     * @param historyDays days of history per group (the job's {@code forecast.context})
     * @param minHorizon forecast at least this many steps (the cold lead + 1 at least)
     * @param k the job's k-anonymity threshold; each window gets exactly k distinct users
     */
    public FlinkReplay(ScalingPolicy policy, String forecaster, int historyDays, int minHorizon, int k) {
        this.policy = policy;
        this.forecaster = forecaster;
        this.historyDays = historyDays;
        this.minHorizon = minHorizon;
        this.k = k;
    }

    /** The default k of the job's configuration. */
    public static int defaultK() {
        return new PrescaleConfig().anonymization.k;
    }

    /** What a replay produced: one decision per trace row, and how long the Flink job ran. */
    public record Result(List<ScalingDecision> decisions, long jobMillis, long events) {}

    /** The job configuration of a replay of {@code trace} with capacity unit {@code capacityUnit}; files go under {@code workDir}. */
    public PrescaleConfig config(Trace trace, double capacityUnit, Path workDir) throws IOException {
        long step = trace.stepMillis();
        PrescaleConfig c = new PrescaleConfig();
        c.jobName = "prescale-replay-" + trace.name();
        // One ordered source and one key: parallelism 1 keeps the events in event-time order.
        c.parallelism = 1;
        c.window.size = step + "ms";
        // Events are emitted in event-time order, so the watermark needs no slack and nothing is late.
        c.window.maxOutOfOrderness = "0s";
        c.window.allowedLateness = "0s";
        // The bounded source is never idle; a processing-time idleness must not release event time early.
        c.window.idleness = "3650d";
        // Trace time is not wall-clock time: no clock skew guard.
        c.window.maxClockSkew = PrescaleConfig.Window.OFF;
        c.anonymization.k = k;
        Path key = workDir.resolve("replay-hmac.key");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.writeString(key, HexFormat.of().formatHex(secret));
        c.anonymization.keyFile = key.toString();
        c.forecast.model = forecaster;
        c.forecast.context = historyDays + "d";
        int lc = ScalingPolicy.leadSteps(policy.coldLaunchLeadSeconds, step);
        c.forecast.horizons = new ArrayList<>(List.of((long) Math.max(minHorizon, lc + 1) * step + "ms"));
        c.forecast.batchSize = 256;
        // History TTL is processing time: a replay is short, but keep the group for as long as it runs.
        c.forecast.historyTtl = "3650d";
        c.scaling = OfflineReplay.forGroup(policy, capacityUnit);
        PrescaleConfig.Target t = new PrescaleConfig.Target();
        t.name = trace.name();
        t.groups = new ArrayList<>(List.of(GROUP, PrescaleConfig.OTHER_GROUP));
        c.targets = new ArrayList<>(List.of(t));
        c.checkpointing.interval = "10min";
        c.checkpointing.stateBackend = "hashmap";
        c.checkpointing.directory = workDir.resolve("checkpoints").toUri().toString();
        c.flink.put("restart-strategy.type", "none");
        c.validate();
        return c;
    }

    /** Replays {@code trace}; the decision log and the job's files go to {@code workDir}. */
    public Result replay(Trace trace, double capacityUnit, Path workDir) throws Exception {
        Files.createDirectories(workDir);
        PrescaleConfig config = config(trace, capacityUnit, workDir);
        TraceToEvents events = new TraceToEvents(trace, GROUP, k);
        Path log = workDir.resolve("job-decisions.csv");
        Files.deleteIfExists(log);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(PrescaleJob.flinkConfiguration(config));
        Sources sources = Sources.ofRecords(
                env.fromSequence(0, events.eventCount() - 1).setParallelism(1).uid("replay-sequence").name("replay: event numbers")
                        .map(new EventOfNumber(events)).returns(TypeInformation.of(Interaction.class)).setParallelism(1)
                        .uid("replay-interactions").name("replay: trace -> interactions"),
                null, null);
        Sinks sinks = Sinks.of(StreamOutput.single(new DecisionLogSink(log.toString()), "decision-log", "decision log"), null);
        if (isClassName(forecaster)) {
            PrescaleJob.build(env, config, sources, sinks, new ClassForecasterFactory(forecaster), new EngineDecider(config));
        } else {
            PrescaleJob.build(env, config, sources, sinks);
        }
        long start = System.nanoTime();
        env.execute(config.jobName);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Result(readLog(log, trace, events), millis, events.eventCount());
    }

    /** The job's decision log back as decisions, one per row, restamped to the trace's clock. */
    static List<ScalingDecision> readLog(Path log, Trace trace, TraceToEvents events) throws IOException {
        ScalingDecision[] byRow = new ScalingDecision[trace.size()];
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
        if (Files.exists(log)) {
            try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
                String line = r.readLine(); // header
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] p = line.split(",", 6);
                    long at = LocalDateTime.parse(p[0], f).toInstant(ZoneOffset.UTC).toEpochMilli();
                    int row = events.rowOfDecision(at);
                    if (row < 0) {
                        throw new IllegalStateException("decision at " + p[0] + " is not at the end of a trace step");
                    }
                    if (byRow[row] != null) {
                        throw new IllegalStateException("two decisions for row " + row + " (" + p[0] + ")");
                    }
                    ScalingDecision d = new ScalingDecision();
                    d.target = trace.name();
                    // EVALUATION.md: the decision after observing row t carries the end of step t.
                    d.timestamp = trace.timesMillis()[row] + trace.stepMillis();
                    d.desiredCapacity = Integer.parseInt(p[1]);
                    d.warmPoolSize = Integer.parseInt(p[2]);
                    d.confidence = Double.parseDouble(p[3]);
                    d.riskLevel = p[4];
                    d.reason = p.length > 5 ? unquote(p[5]) : "";
                    byRow[row] = d;
                }
            }
        }
        List<ScalingDecision> out = new ArrayList<>(byRow.length);
        int missing = 0;
        for (ScalingDecision d : byRow) {
            if (d == null) {
                missing++;
            } else {
                out.add(d);
            }
        }
        if (missing > 0) {
            throw new IllegalStateException("the job made no decision for " + missing + " of " + byRow.length + " rows of "
                    + trace.name() + " (decision log " + log + ")");
        }
        return out;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1).replace("\"\"", "\"");
        }
        return s;
    }

    /** The steps of a replay for the reports (no forecast band: the decision log does not carry forecasts). */
    public static List<OfflineReplay.Step> steps(Trace trace, List<ScalingDecision> decisions) {
        List<OfflineReplay.Step> out = new ArrayList<>(decisions.size());
        for (int t = 0; t < decisions.size(); t++) {
            out.add(new OfflineReplay.Step(t, trace.timesMillis()[t], trace.values()[t], null, Double.NaN, decisions.get(t)));
        }
        return out;
    }

    /** The decision log for the simulator. */
    public static List<Decision> decisions(List<ScalingDecision> decisions) {
        List<Decision> out = new ArrayList<>(decisions.size());
        for (ScalingDecision d : decisions) {
            out.add(new Decision(d.timestamp, d.desiredCapacity, d.warmPoolSize));
        }
        return out;
    }

    /** Replays and scores a trace beside the references, as {@link TraceEvaluation#evaluate} does offline. */
    public TraceEvaluation evaluate(Trace trace, Path workDir) throws Exception {
        CloudGroupSimulator sim = new CloudGroupSimulator(trace);
        Result r = replay(trace, sim.capacityUnit(), workDir);
        return TraceEvaluation.score(trace, sim, "prescale-" + policy.mode, steps(trace, r.decisions()), decisions(r.decisions()));
    }

    private static boolean isClassName(String forecaster) {
        return !ModelLocationFactory.SEASONAL_NAIVE.equals(forecaster) && !Files.isDirectory(Path.of(forecaster))
                && forecaster.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+");
    }

    /** Sequence number -> the replay event with that number. */
    private static final class EventOfNumber implements MapFunction<Long, Interaction> {
        private static final long serialVersionUID = 1L;
        private final TraceToEvents events;

        EventOfNumber(TraceToEvents events) {
            this.events = events;
        }

        @Override
        public Interaction map(Long n) {
            return events.event(n);
        }
    }

    /** A forecaster given by class name (no-argument constructor), for {@code --forecaster CLASS}. */
    static final class ClassForecasterFactory implements ForecasterFactory {
        private static final long serialVersionUID = 1L;
        private final String className;

        ClassForecasterFactory(String className) {
            this.className = className;
        }

        @Override
        public String location() {
            return "class:" + className;
        }

        @Override
        public Forecaster create() throws Exception {
            return (Forecaster) Class.forName(className).getDeclaredConstructor().newInstance();
        }
    }
}
