package dev.prescale.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.aws.AutoScalingSink;
import dev.prescale.connectors.aws.AutoScalingSinkConfig;
import dev.prescale.connectors.aws.SinkMode;
import dev.prescale.connectors.aws.local.LaunchTimings;
import dev.prescale.connectors.aws.local.LocalAutoScalingEndpoint;
import dev.prescale.connectors.aws.local.LocalAutoScalingEndpoint.RecordedCall;
import dev.prescale.connectors.aws.local.SimulatedAutoScaling;
import dev.prescale.connectors.json.Json;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.PrescaleJob;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.io.KafkaIo;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.StreamOutput;
import dev.prescale.job.testing.InJvmKafka;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * AWS fault storms through the whole job: live traffic (event time = wall clock) into an in-JVM
 * Kafka broker, the job on a MiniCluster (restarts allowed, so a hidden failure shows as
 * numRestarts), decisions applied by {@link AutoScalingSink} through the real SDK client to the
 * local Auto Scaling endpoint, whose fault injector runs, while traffic keeps flowing: a 20 s
 * throttling storm, three 4 s 5xx bursts (500, 503, 500), 15 s of answers slower than the client's
 * attempt timeout, and the endpoint down (connections dropped) for {@code
 * -Dprescale.faultstorm.downSeconds} (default 60). Traffic stops 8 s before the outage ends, so the
 * newest decisions are made while AWS is unreachable.
 *
 * <p>Asserted: the job stays RUNNING with numRestarts 0; the endpoint's received calls per second
 * stay below bounds derived from the sink's token bucket and backoff (below); after recovery each
 * group holds the NEWEST decision's capacity and warm pool, that decision's SetDesiredCapacity was
 * answered once, and the successful SetDesiredCapacity calls of each group follow the decisions'
 * order (no stale decision applied after a newer one).
 *
 * <p>Bounds, with rate r = 10/s, burst b = 10, backoff base 200 ms and cap 4 s, G = 2 groups: in
 * any 1 s window at most b + r = 20 calls (token bucket; 22 allowed for the 20 ms call sampling
 * below, which can squeeze calls up to 1.2 s apart into one sampled second), over a phase of D s at most b + r·D; once
 * every call of a storm fails the sink keeps one call chain per group and waits at least half the
 * capped delay (2 s) after the 6th failure, so from 7 s into the throttling storm and the outage
 * (failures there are immediate) at most G = 2 calls in any 1 s window; during the timeouts every
 * attempt takes the 2 s attempt timeout before the next one of its group, so at most G = 2 calls in
 * any 1 s window as well. The 5xx bursts are too short for the cap: they are held to the bucket's bounds.
 *
 * <p>Call times are the test's sampling of the endpoint's call list every 20 ms (the endpoint
 * records a call when it answers: a slowed-down call appears after its 3 s delay, so the timeouts
 * phase's backoff bound is checked from 3 s in, where every call seen was sent during the phase).
 */
class AwsFaultStormITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String RECORDER = "fault-storm";
    private static final List<String> TARGETS = List.of("web", "batch");

    // Each change costs four calls (Describe, CreateOrUpdateTags, SetDesiredCapacity, PutWarmPool)
    // and both groups decide every second here: 5/s fell behind the newest decision in calm phases.
    private static final double RATE = 10;
    private static final int BURST = 10;
    private static final Duration BASE = Duration.ofMillis(200);
    private static final Duration CAP = Duration.ofSeconds(4);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(3);
    /**
     * Call times are sampled every 20 ms, so a sampled 1 s window may hold calls up to this much further
     * apart: the per-second bound allows the tokens of that time too.
     */
    private static final double SAMPLING_TOLERANCE_S = 0.2;
    /** Calls in any sampled 1 s window: the burst plus the tokens of 1 s and the tolerance (10 + 12 = 22). */
    private static final int PER_SECOND_BOUND = BURST + (int) Math.floor(RATE * (1 + SAMPLING_TOLERANCE_S));
    /** From this far into a storm of immediate failures, every group's backoff is at its cap. */
    private static final long SATURATED_AFTER_MS = 7_000;
    /** Far more injected errors than the rate limit lets through in a phase; cleared at its end. */
    private static final int ERROR_QUEUE = 2_000;

    private static KafkaClusterTestKit kafka;
    private static LocalAutoScalingEndpoint endpoint;

    @TempDir
    Path tmp;

    /** One endpoint call as the sampler saw it appear. */
    private record Observed(long atMillis, RecordedCall call) {}

    /** One fault phase: its name, wall-clock span, and the bounds its calls must respect. */
    private record Phase(String name, long startMillis, long endMillis, int steadyBound, long steadyFromMs) {}

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("aws.accessKeyId", "AKIDLOCALTEST");
        System.setProperty("aws.secretAccessKey", "local-secret");
        kafka = InJvmKafka.start();
        // 600 s / 120 s / 600 s become 1 s / 0.2 s / 1 s.
        endpoint = LocalAutoScalingEndpoint.start(0, Clock.systemUTC(), LaunchTimings.defaults().compressedBy(600));
        for (String t : TARGETS) {
            endpoint.service().createGroup(t, 0, 1000, 1);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (endpoint != null) {
            endpoint.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private PrescaleConfig config() throws Exception {
        Path key = tmp.resolve("hmac.key");
        Files.writeString(key, "fault-storm-secret-key-0123456789abcdef\n");
        String yaml = String.join("\n",
                "jobName: prescale-fault-storm",
                "parallelism: 1",
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  groupId: fault-storm-" + UUID.randomUUID(),
                "  transactionalIdPrefix: fault-storm-" + UUID.randomUUID(),
                "window: {size: 1s, maxOutOfOrderness: 1s, idleness: 1s, allowedLateness: 0s}",
                "anonymization: {k: 3, keyFile: " + key + "}",
                "forecast: {model: snaive, context: 60s, horizons: [10s], batchSize: 16, batchTimeout: 50ms}",
                "scaling:",
                "  minCapacity: 1",
                "  maxCapacity: 500",
                "  coldLaunchLeadSeconds: 5",
                "  warmLaunchLeadSeconds: 2",
                "  warmPoolPrepareLeadSeconds: 5",
                "  stabilizationWindowSeconds: 5",
                "  resources:",
                "    cpu: {capacityPerInstance: 0.5, minHistorySteps: 3}",
                "targets:",
                "  - {name: web, groups: [checkout, '_other']}",
                "  - {name: batch, groups: ['*']}",
                "checkpointing: {interval: 1s, directory: '" + tmp.resolve("checkpoints").toUri() + "', stateBackend: hashmap}",
                // Restarts are allowed, so that a failure shows up as numRestarts > 0 instead of ending the test early.
                "flink: {restart-strategy.type: fixed-delay, restart-strategy.fixed-delay.attempts: '1000',"
                        + " restart-strategy.fixed-delay.delay: 1s}",
                "");
        return PrescaleConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theJobRidesOutThrottling5xxTimeoutsAndAnOutageAndAppliesTheNewestDecisionOnce(
            @InjectClusterRESTAddress URI rest) throws Exception {
        int downSeconds = Integer.getInteger("prescale.faultstorm.downSeconds", 60);
        PrescaleConfig config = config();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(PrescaleJob.flinkConfiguration(config));
        AutoScalingSink aws = new AutoScalingSink(AutoScalingSinkConfig.builder()
                .mode(SinkMode.APPLY)
                .region("eu-west-1")
                .endpointOverride(endpoint.url())
                .retryBaseDelay(BASE)
                .retryMaxDelay(CAP)
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .requestsPerSecond(RATE)
                .rateBurst(BURST)
                .build());
        List<StreamOutput<ScalingDecision>> outputs = List.of(DecisionRecorder.output(RECORDER), aws::attach);
        PrescaleJob.build(env, config, KafkaIo.sources(env, config), new Sinks(outputs, null));
        JobClient job = env.executeAsync();
        JobID id = job.getJobID();

        List<Observed> observed = new CopyOnWriteArrayList<>();
        Set<JobStatus> statuses = new TreeSet<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        long trafficStart = System.currentTimeMillis();
        Thread sampler = new Thread(() -> sampleCalls(observed), "endpoint-call-sampler");
        Thread traffic = new Thread(() -> sendTraffic(sending, trafficStart), "traffic");
        sampler.setDaemon(true);
        traffic.setDaemon(true);
        sampler.start();
        traffic.start();
        List<Phase> phases = new ArrayList<>();
        Map<String, Integer> desiredAtOutage = new LinkedHashMap<>();
        Map<String, Integer> desiredBeforeRecovery = new LinkedHashMap<>();
        int recoveryFrom;
        long outageStart;
        long outageEnd;
        try {
            // Calm start: the sink has changed both groups' capacity. (With decisions every 1 s window and three
            // calls per change at 5 calls/s, the groups trail the newest decision by a few seconds: coalesced.)
            long deadline = System.currentTimeMillis() + 180_000;
            Set<JobStatus> starting = new TreeSet<>();
            while (!bothGroupsSet() && System.currentTimeMillis() < deadline) {
                watch(job, starting, 500); // CREATED, INITIALIZING... before RUNNING are fine here
            }
            assertThat(bothGroupsSet()).as("the sink changed both groups before any fault: %s, %s",
                    newest(), endpoint.service().describe(List.of())).isTrue();
            watch(job, statuses, 5_000);

            // 1. Throttling storm: every call answered 400 Throttling for 20 s.
            long s = System.currentTimeMillis();
            long injectedBefore = endpoint.faults().injectedCount();
            endpoint.faults().throttleNext(ERROR_QUEUE);
            watch(job, statuses, 20_000);
            endpoint.faults().clear();
            phases.add(new Phase("throttling storm 20 s", s, System.currentTimeMillis(), TARGETS.size(), SATURATED_AFTER_MS));
            assertThat(endpoint.faults().injectedCount() - injectedBefore).as("the storm never ran dry").isLessThan(ERROR_QUEUE);
            watch(job, statuses, 8_000);

            // 2. 5xx bursts: 4 s of 500, 3 s calm, 4 s of 503, 3 s calm, 4 s of 500.
            int[] statusCodes = {500, 503, 500};
            for (int i = 0; i < statusCodes.length; i++) {
                s = System.currentTimeMillis();
                endpoint.faults().serverErrorNext(ERROR_QUEUE, statusCodes[i]);
                watch(job, statuses, 4_000);
                endpoint.faults().clear();
                phases.add(new Phase(statusCodes[i] + " burst 4 s", s, System.currentTimeMillis(), Integer.MAX_VALUE, 0));
                watch(job, statuses, i < statusCodes.length - 1 ? 3_000 : 8_000);
            }

            // 3. Timeouts: every answer 3 s late, beyond the 2 s attempt timeout, for 15 s.
            s = System.currentTimeMillis();
            endpoint.faults().delayAnswers(SLOW_ANSWER);
            watch(job, statuses, 15_000);
            endpoint.faults().clear();
            // Calls answered in [start + 3 s, end) were all sent during the phase (earlier ones were answered at once).
            phases.add(new Phase("timeouts 15 s", s, System.currentTimeMillis(), TARGETS.size(), SLOW_ANSWER.toMillis()));
            watch(job, statuses, 8_000);

            // 4. The endpoint is down; traffic stops 8 s before it is back, so the newest decisions are made meanwhile.
            for (String t : TARGETS) {
                desiredAtOutage.put(t, endpoint.service().group(t).desiredCapacity);
            }
            outageStart = System.currentTimeMillis();
            endpoint.faults().downFor(Duration.ofSeconds(downSeconds));
            watch(job, statuses, downSeconds * 1000L - 8_000);
            sending.set(false);
            // A second before the endpoint is back, every call it admitted before the outage has long been answered
            // and every later one was dropped: the groups hold what the outage left them, and each call recorded from
            // here on belongs to the recovery. (Splitting at outageStart instead raced with a call admitted just before
            // it and answered, or sampled, just after.)
            watch(job, statuses, outageStart + downSeconds * 1000L - 1_000 - System.currentTimeMillis());
            for (String t : TARGETS) {
                desiredBeforeRecovery.put(t, endpoint.service().group(t).desiredCapacity);
            }
            recoveryFrom = endpoint.calls().size();
            watch(job, statuses, outageStart + downSeconds * 1000L - System.currentTimeMillis());
            outageEnd = outageStart + downSeconds * 1000L;
            phases.add(new Phase("down " + downSeconds + " s", outageStart, outageEnd, TARGETS.size(), SATURATED_AFTER_MS));

            // Recovery: the groups reach the newest decisions (the sink retries within its 4 s cap).
            deadline = System.currentTimeMillis() + 60_000;
            while (!groupsHoldNewest() && System.currentTimeMillis() < deadline) {
                watch(job, statuses, 250);
            }
            watch(job, statuses, 3_000);
            statuses.add(job.getJobStatus().get());
        } finally {
            sending.set(false);
            traffic.join(5_000);
            sampler.interrupt();
        }
        long restarts = numRestarts(rest, id);
        job.cancel().get();
        sampler.join(5_000);

        // Figures.
        List<DecisionRecorder.Seen> seen = DecisionRecorder.recorded(RECORDER);
        List<Observed> calls = new ArrayList<>(observed);
        StringBuilder out = new StringBuilder("AwsFaultStormITCase (outage " + downSeconds + " s)\n");
        out.append(String.format("decisions %d, endpoint calls %d (%d answered 200), job statuses seen %s, numRestarts %d%n",
                seen.size(), calls.size(), calls.stream().filter(c -> c.call().status == 200).count(), statuses, restarts));
        for (String t : TARGETS) {
            List<String> series = seen.stream().filter(x -> x.decision.target.equals(t))
                    .map(x -> x.decision.desiredCapacity + "/" + x.decision.warmPoolSize).toList();
            out.append(String.format("%s: %d decisions, capacity/warm pool over time %s%n", t, series.size(), series));
        }
        int overall = maxInWindow(calls, Long.MIN_VALUE, Long.MAX_VALUE, 1_000);
        out.append(String.format("whole run: max calls in any 1 s window %d (bound b + r = %d, + %.1f s sampling tolerance: %d)%n",
                overall, BURST + (int) RATE, SAMPLING_TOLERANCE_S, PER_SECOND_BOUND));
        assertThat(overall).as("whole run, calls in any 1 s").isLessThanOrEqualTo(PER_SECOND_BOUND);
        int burstFailures = 0;
        for (Phase p : phases) {
            long from = p.startMillis();
            long to = p.endMillis();
            int total = countIn(calls, from, to);
            int failed = (int) calls.stream().filter(c -> c.atMillis() >= from && c.atMillis() < to && c.call().status != 200).count();
            int max = maxInWindow(calls, from, to, 1_000);
            double seconds = (to - from) / 1000.0;
            int totalBound = (int) Math.floor(BURST + RATE * seconds) + 1;
            out.append(String.format("%-22s %5.1f s: calls %4d (failed %4d), max in 1 s %2d (bound %d), total bound %d",
                    p.name(), seconds, total, failed, max, PER_SECOND_BOUND, totalBound));
            int steadyMax = -1;
            if (p.steadyBound() != Integer.MAX_VALUE) {
                steadyMax = maxInWindow(calls, from + p.steadyFromMs(), to, 1_000);
                out.append(String.format(", from %d s in: max in 1 s %d (backoff bound %d)", p.steadyFromMs() / 1000, steadyMax, p.steadyBound()));
            }
            out.append('\n');
            assertThat(max).as(p.name()).isLessThanOrEqualTo(PER_SECOND_BOUND);
            assertThat(total).as(p.name()).isLessThanOrEqualTo(totalBound);
            if (p.name().startsWith("timeouts")) {
                // The endpoint answers 200 after its delay, but the client gave up at 2 s: every such call timed out.
                assertThat(countIn(calls, from + SLOW_ANSWER.toMillis(), to)).as("%s: slowed calls", p.name()).isPositive();
            } else if (p.steadyBound() != Integer.MAX_VALUE) {
                assertThat(failed).as("%s: faults were hit", p.name()).isPositive();
            } else {
                burstFailures += failed;
            }
            if (steadyMax >= 0) {
                assertThat(steadyMax).as("%s backoff", p.name()).isLessThanOrEqualTo(p.steadyBound());
            }
        }

        assertThat(burstFailures).as("5xx answers in the bursts").isPositive();

        // Recovery per group: the newest decision, made during the outage, applied once.
        Map<String, ScalingDecision> newest = newest();
        List<RecordedCall> all = endpoint.calls();
        List<RecordedCall> recovery = all.subList(recoveryFrom, all.size());
        for (String t : TARGETS) {
            ScalingDecision d = newest.get(t);
            long decidedAt = seen.stream().filter(x -> x.decision == d).findFirst().orElseThrow().atMillis;
            SimulatedAutoScaling.GroupView g = endpoint.service().group(t);
            List<RecordedCall> recoverySets = recovery.stream()
                    .filter(c -> c.status == 200 && c.action.equals("SetDesiredCapacity") && t.equals(c.params.get("AutoScalingGroupName")))
                    .toList();
            long carrying = recoverySets.stream()
                    .filter(c -> String.valueOf(d.desiredCapacity).equals(c.params.get("DesiredCapacity"))).count();
            out.append(String.format("%s: newest decision at %d (seen %.1f s into the outage): capacity %d, warm pool %d;"
                            + " group before the outage %d, at its end %d, now %d, warm pool %s; successful SetDesiredCapacity"
                            + " in the recovery %d, carrying the newest %d%n",
                    t, d.timestamp, (decidedAt - outageStart) / 1000.0, d.desiredCapacity, d.warmPoolSize,
                    desiredAtOutage.get(t), desiredBeforeRecovery.get(t), g.desiredCapacity,
                    g.warmPool == null ? "none" : g.warmPool.minSize, recoverySets.size(), carrying));
            out.append("  its reason: ").append(d.reason).append('\n');
            assertThat(decidedAt).as("%s: the newest decision reached the sink while AWS was down", t)
                    .isBetween(outageStart, outageEnd);
            assertThat(holds(d)).as("%s holds the newest decision %s: %s", t, d, g).isTrue();
            // Applied once: one answered SetDesiredCapacity with its capacity, and nothing after it; none if the
            // group already had that capacity when the outage ended.
            int expected = desiredBeforeRecovery.get(t) == d.desiredCapacity ? 0 : 1;
            assertThat(carrying).as("%s: SetDesiredCapacity calls carrying the newest capacity", t).isEqualTo(expected);
            assertThat(recoverySets).as("%s: the recovery's only capacity change is the newest decision", t).hasSize(expected);
        }
        // Order: each group's answered SetDesiredCapacity calls are a subsequence of its decisions in time order.
        for (String t : TARGETS) {
            List<ScalingDecision> ordered = seen.stream().map(x -> x.decision).filter(d -> d.target.equals(t))
                    .sorted(Comparator.comparingLong(d -> d.timestamp)).toList();
            int at = 0;
            int matched = 0;
            for (Observed c : calls) {
                if (c.call().status != 200 || !c.call().action.equals("SetDesiredCapacity")
                        || !t.equals(c.call().params.get("AutoScalingGroupName"))) {
                    continue;
                }
                int capacity = Integer.parseInt(c.call().params.get("DesiredCapacity"));
                while (at < ordered.size() && ordered.get(at).desiredCapacity != capacity) {
                    at++;
                }
                assertThat(at).as("%s: SetDesiredCapacity %d applied after a newer decision (stale), call %s", t, capacity, c.call())
                        .isLessThan(ordered.size());
                matched++;
            }
            out.append(String.format("%s: %d answered SetDesiredCapacity calls, all in decision order over %d decisions%n",
                    t, matched, ordered.size()));
        }
        System.out.print(out);
        assertThat(statuses).as("job statuses seen while the storms ran").containsExactly(JobStatus.RUNNING);
        assertThat(restarts).as("numRestarts").isZero();
    }

    /** Sleeps in steps, recording the job's status each time. */
    private static void watch(JobClient job, Set<JobStatus> statuses, long millis) throws Exception {
        long until = System.currentTimeMillis() + Math.max(0, millis);
        do {
            statuses.add(job.getJobStatus().get());
            Thread.sleep(Math.max(0, Math.min(250, until - System.currentTimeMillis())));
        } while (System.currentTimeMillis() < until);
    }

    /** Notes each new endpoint call with the time it appeared, every 20 ms, until interrupted. */
    private static void sampleCalls(List<Observed> into) {
        int known = 0;
        while (!Thread.currentThread().isInterrupted()) {
            List<RecordedCall> all = endpoint.calls();
            long now = System.currentTimeMillis();
            for (int i = known; i < all.size(); i++) {
                into.add(new Observed(now, all.get(i)));
            }
            known = all.size();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Live traffic every 250 ms with event time = now: four users in checkout and four in reports,
     * whose CPU grows with time, so decisions keep changing; every second each group's instances in service.
     */
    private static void sendTraffic(AtomicBoolean sending, long start) {
        try (KafkaProducer<String, String> producer = producer()) {
            long now = System.currentTimeMillis();
            // Every input topic carries a record, so that no source holds event time back.
            producer.send(new ProducerRecord<>("scheduled-events", "{\"id\":\"later\",\"group\":\"checkout\",\"start\":"
                    + (now + 3_600_000) + ",\"end\":" + (now + 3_700_000) + ",\"extra\":{\"cpu\":1}}"));
            int tick = 0;
            while (sending.get()) {
                now = System.currentTimeMillis();
                if (tick++ % 4 == 0) {
                    // A monitoring feed: each group's instances in service, as the endpoint simulates them. (The
                    // engine steps from the last measured count; a single stale count would cap every decision.)
                    for (String t : TARGETS) {
                        producer.send(new ProducerRecord<>("utilization", "{\"ts\":" + now + ",\"target\":\"" + t
                                + "\",\"inService\":" + endpoint.service().group(t).inService() + "}"));
                    }
                }
                double elapsed = (now - start) / 1000.0;
                for (int u = 0; u < 4; u++) {
                    producer.send(new ProducerRecord<>("interactions", interaction(now, "user-" + u, "checkout", 40 * (1 + elapsed / 2))));
                    producer.send(new ProducerRecord<>("interactions", interaction(now, "user-" + (10 + u), "reports", 30 * (1 + elapsed / 4))));
                }
                producer.flush();
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String interaction(long ts, String user, String group, double cpuMillis) {
        return "{\"ts\":" + ts + ",\"user\":\"" + user + "\",\"group\":\"" + group + "\",\"kind\":\"API_CALL\",\"cpuMillis\":"
                + Math.round(cpuMillis) + ",\"memMb\":64,\"netBytes\":1000,\"bytesWritten\":10}";
    }

    private static boolean bothGroupsSet() {
        return TARGETS.stream().allMatch(t -> endpoint.calls("SetDesiredCapacity").stream()
                .anyMatch(c -> c.status == 200 && t.equals(c.params.get("AutoScalingGroupName"))));
    }

    /** The newest recorded decision per target (by decision timestamp). */
    private static Map<String, ScalingDecision> newest() {
        Map<String, ScalingDecision> newest = new LinkedHashMap<>();
        for (DecisionRecorder.Seen s : DecisionRecorder.recorded(RECORDER)) {
            newest.merge(s.decision.target, s.decision, (a, b) -> a.timestamp >= b.timestamp ? a : b);
        }
        return newest;
    }

    private static boolean groupsHoldNewest() {
        Map<String, ScalingDecision> newest = newest();
        return newest.keySet().containsAll(TARGETS) && newest.values().stream().allMatch(AwsFaultStormITCase::holds);
    }

    /** Whether the endpoint's group holds this decision's capacity and warm pool. */
    private static boolean holds(ScalingDecision d) {
        SimulatedAutoScaling.GroupView g = endpoint.service().group(d.target);
        int warm = Math.max(0, d.warmPoolSize);
        boolean warmOk = warm == 0
                ? g.warmPool == null || g.warmPool.minSize == 0
                : g.warmPool != null && g.warmPool.minSize == warm && g.warmPool.maxGroupPreparedCapacity == warm;
        return g.desiredCapacity == d.desiredCapacity && warmOk;
    }

    private static int countIn(List<Observed> calls, long from, long to) {
        return (int) calls.stream().filter(c -> c.atMillis() >= from && c.atMillis() < to).count();
    }

    /** The most calls seen in any window of this length starting within [from, to) and ending by {@code to}. */
    private static int maxInWindow(List<Observed> calls, long from, long to, long window) {
        List<Long> times = calls.stream().map(Observed::atMillis).filter(t -> t >= from && t < to).sorted().toList();
        int max = 0;
        int lo = 0;
        for (int hi = 0; hi < times.size(); hi++) {
            while (times.get(hi) - times.get(lo) >= window) {
                lo++;
            }
            max = Math.max(max, hi - lo + 1);
        }
        return max;
    }

    /** The job's numRestarts metric through the REST API. */
    private static long numRestarts(URI rest, JobID id) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(rest.resolve("/jobs/" + id + "/metrics?get=numRestarts")).build();
        String body = "";
        // The REST metric store fills on its own schedule: an empty answer means "not fetched yet".
        for (long until = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < until; Thread.sleep(500)) {
            body = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
            JsonNode arr = Json.mapper().readTree(body);
            if (arr.isArray() && arr.size() == 1) {
                return Long.parseLong(arr.get(0).get("value").asText());
            }
        }
        throw new AssertionError("no numRestarts metric within 30 s: " + body);
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
