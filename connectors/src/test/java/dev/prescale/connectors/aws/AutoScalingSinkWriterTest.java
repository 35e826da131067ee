package dev.prescale.connectors.aws;

import static dev.prescale.connectors.aws.SinkTestSupport.decision;
import static dev.prescale.connectors.aws.SinkTestSupport.drainMailbox;
import static dev.prescale.connectors.aws.SinkTestSupport.testConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.sink.writer.TestSinkInitContext;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;

class AutoScalingSinkWriterTest {

    private static AutoScalingSinkWriter writer(TestSinkInitContext ctx, AutoScalingSinkConfig config, RecordingAutoScalingClient client) {
        return new AutoScalingSinkWriter(ctx, config, c -> client, List.of());
    }

    @Test
    void sendsOnlyWhatDiffersFromTheGroup() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        RecordingAutoScalingClient aws = new RecordingAutoScalingClient().group("web", 1, 20, 2);
        AutoScalingSinkWriter w = writer(ctx, testConfig().build(), aws);

        w.write(decision("web", 1_000, 5, 2), null);
        drainMailbox(ctx);
        // The group is tagged with the decision before it changes (see DecisionDispatcher.APPLIED_TAG).
        assertThat(aws.calls).containsExactly("describe [web]", "tag web prescale:applied-decision=1000/5/2", "set web 5", "warm web 2 2 Stopped false");

        // Same values again: nothing at all is sent.
        w.write(decision("web", 2_000, 5, 2), null);
        drainMailbox(ctx);
        assertThat(aws.calls).hasSize(4);

        // Only the warm pool changes: Describe, the tag, then PutWarmPool alone.
        w.write(decision("web", 3_000, 5, 3), null);
        drainMailbox(ctx);
        assertThat(aws.calls.subList(4, aws.calls.size())).containsExactly("describe [web]", "tag web prescale:applied-decision=3000/5/3", "warm web 3 3 Stopped false");
        assertThat(w.metrics().applied.getCount()).isEqualTo(2);
        assertThat(w.metrics().unchanged.getCount()).isEqualTo(1);
        assertThat(aws.groups.get("web").desired).isEqualTo(5);
    }

    @Test
    void noWarmPoolIsCreatedForSizeZeroAndNoneManagedWhenDisabled() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        RecordingAutoScalingClient aws = new RecordingAutoScalingClient().group("web", 1, 20, 2).group("api", 1, 20, 2);
        AutoScalingSinkWriter w = writer(ctx, testConfig().build(), aws);
        w.write(decision("web", 1_000, 4, 0), null);
        drainMailbox(ctx);
        assertThat(aws.count("warm")).isZero();

        TestSinkInitContext ctx2 = new TestSinkInitContext();
        AutoScalingSinkWriter noWarm = writer(ctx2, testConfig().warmPoolEnabled(false).build(), aws);
        noWarm.write(decision("api", 1_000, 4, 3), null);
        drainMailbox(ctx2);
        assertThat(aws.count("warm")).isZero();
        assertThat(aws.groups.get("api").desired).isEqualTo(4);
    }

    @Test
    void respectsTheGroupsMinAndMax() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        RecordingAutoScalingClient aws = new RecordingAutoScalingClient().group("web", 2, 20, 5);
        AutoScalingSinkWriter w = writer(ctx, testConfig().warmPoolEnabled(false).build(), aws);
        w.write(decision("web", 1_000, 50, 0), null);
        drainMailbox(ctx);
        w.write(decision("web", 2_000, 0, 0), null);
        drainMailbox(ctx);
        assertThat(aws.calls).containsExactly("describe [web]", "tag web prescale:applied-decision=1000/20/-1", "set web 20",
                "describe [web]", "tag web prescale:applied-decision=2000/2/-1", "set web 2");
        assertThat(w.metrics().clamped.getCount()).isEqualTo(2);
    }

    @Test
    void skipsDecisionsOlderThanOneAlreadyApplied() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        RecordingAutoScalingClient aws = new RecordingAutoScalingClient().group("web", 1, 20, 2);
        AutoScalingSinkWriter w = writer(ctx, testConfig().build(), aws);
        w.write(decision("web", 5_000, 6, 1), null);
        drainMailbox(ctx);
        int before = aws.calls.size();
        w.write(decision("web", 4_000, 9, 1), null);
        w.write(decision("web", 5_000, 9, 1), null);
        drainMailbox(ctx);
        assertThat(aws.calls).hasSize(before);
        assertThat(w.metrics().stale.getCount()).isEqualTo(2);
        assertThat(aws.groups.get("web").desired).isEqualTo(6);
    }

    @Test
    void keepsOnlyTheNewestDecisionWhileAwsIsUnreachableAndAppliesItWithBackoff() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        RecordingAutoScalingClient aws = new RecordingAutoScalingClient().group("web", 1, 100, 2);
        for (int i = 0; i < 4; i++) {
            aws.failNext(Errors.unreachable());
        }
        AutoScalingSinkWriter w = writer(ctx, testConfig().warmPoolEnabled(false).build(), aws);

        w.write(decision("web", 1_000, 3, 0), null);
        drainMailbox(ctx);
        List<Long> delays = new ArrayList<>();
        long lastCalls = aws.calls.size();
        // Thousands of decisions arrive during the outage: write never blocks, one stays pending.
        for (int i = 1; i <= 5_000; i++) {
            w.write(decision("web", 1_000 + i, 3 + i % 50, 0), null);
        }
        assertThat(w.unsettledGroups()).isEqualTo(1);
        while (aws.count("set") == 0) {
            long now = ctx.getTestProcessingTimeService().getCurrentProcessingTime();
            long next = ctx.getTestProcessingTimeService().getActiveTimerTimestamps().stream().min(Long::compare).orElseThrow();
            delays.add(next - now);
            ctx.getTestProcessingTimeService().setCurrentTime(next);
            drainMailbox(ctx);
            assertThat(aws.calls.size()).isGreaterThan((int) lastCalls);
            lastCalls = aws.calls.size();
        }
        // Exponential backoff with jitter: attempt k waits between base*2^(k-1)/2 and base*2^(k-1).
        assertThat(delays).hasSize(4);
        for (int k = 0; k < delays.size(); k++) {
            long cap = 100L << k;
            assertThat(delays.get(k)).isBetween(cap / 2, cap);
        }
        // Only the newest decision (ts 6000: 3 + 5000 % 50 = 3) is applied: nothing lost, nothing older sent.
        assertThat(aws.calls.stream().filter(c -> c.startsWith("set")).toList()).containsExactly("set web 3");
        assertThat(w.metrics().retries.getCount()).isEqualTo(4);
        assertThat(w.metrics().superseded.getCount()).isEqualTo(5_000);
        assertThat(w.unsettledGroups()).isZero();
    }

    @Test
    void retriesThrottlingContentionAndServerErrorsButGivesUpOnFatalOnes() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        RecordingAutoScalingClient aws = new RecordingAutoScalingClient().group("web", 1, 100, 2).group("api", 1, 10, 1);
        aws.failNext(Errors.throttling())
                .failNext(Errors.aws(500, "ResourceContention", "busy"))
                .failNext(Errors.aws(400, "ScalingActivityInProgress", "in progress"))
                .failNext(Errors.aws(503, "ServiceUnavailable", "down"));
        AutoScalingSinkWriter w = writer(ctx, testConfig().warmPoolEnabled(false).build(), aws);
        w.write(decision("web", 1_000, 7, 0), null);
        SinkTestSupport.runUntil(ctx, () -> aws.groups.get("web").desired == 7, 2_000, java.time.Duration.ofSeconds(10));
        assertThat(w.metrics().retries.getCount()).isEqualTo(4);
        assertThat(w.metrics().fatalErrors.getCount()).isZero();

        // Unknown group, access denied, validation: counted, not retried, the job goes on.
        w.write(decision("nope", 1_000, 3, 0), null);
        drainMailbox(ctx);
        aws.failNext(Errors.aws(403, "AccessDenied", "User is not authorized to perform: autoscaling:SetDesiredCapacity"));
        w.write(decision("api", 2_000, 3, 0), null);
        drainMailbox(ctx);
        aws.failNext(Errors.aws(400, "ValidationError", "bad value"));
        w.write(decision("api", 3_000, 4, 0), null);
        drainMailbox(ctx);
        assertThat(w.metrics().fatalErrors.getCount()).isEqualTo(3);
        assertThat(w.metrics().retries.getCount()).isEqualTo(4);
        assertThat(ctx.getTestProcessingTimeService().getActiveTimerTimestamps()).isEmpty();
        // A later decision for the group is tried again and applied.
        w.write(decision("api", 4_000, 5, 0), null);
        drainMailbox(ctx);
        assertThat(aws.groups.get("api").desired).isEqualTo(5);
    }

    @Test
    void dryRunCallsNothing() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        AutoScalingClientProvider refuses = c -> {
            throw new AssertionError("dry-run must not create a client");
        };
        AutoScalingSinkWriter w = new AutoScalingSinkWriter(ctx, testConfig().mode(SinkMode.DRY_RUN).build(), refuses, List.of());
        w.write(decision("web", 1_000, 5, 2), null);
        w.write(decision("web", 2_000, 6, 2), null);
        w.write(decision("web", 1_500, 6, 2), null);
        w.flush(true);
        assertThat(w.metrics().dryRun.getCount()).isEqualTo(2);
        assertThat(w.metrics().stale.getCount()).isEqualTo(1);
        assertThat(w.metrics().applied.getCount()).isZero();
        assertThat(w.snapshotState(1).get(0).lastSettled()).containsEntry("web", 2_000L);
        w.close();
    }

    @Test
    void restoreFromCheckpointAppliesNothingTwiceAndLosesNothing() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        RecordingAutoScalingClient aws = new RecordingAutoScalingClient().group("web", 1, 50, 2).group("api", 1, 50, 2);
        AutoScalingSinkWriter first = writer(ctx, testConfig().build(), aws);
        first.write(decision("web", 1_000, 5, 1), null);
        drainMailbox(ctx);
        aws.failNext(Errors.unreachable());
        first.write(decision("api", 1_000, 8, 2), null);
        drainMailbox(ctx);
        first.flush(false);
        List<AutoScalingWriterState> snapshot = first.snapshotState(7);
        first.close();
        assertThat(aws.closed).isTrue();

        AutoScalingWriterStateSerializer serializer = new AutoScalingWriterStateSerializer();
        byte[] bytes = serializer.serialize(snapshot.get(0));
        AutoScalingWriterState restored = serializer.deserialize(serializer.getVersion(), bytes);
        assertThat(restored.lastSettled()).containsEntry("web", 1_000L);
        assertThat(restored.pending()).containsOnlyKeys("api");

        // The job restarts from the checkpoint: Kafka replays the decisions written after it.
        TestSinkInitContext ctx2 = new TestSinkInitContext();
        List<String> before = new ArrayList<>(aws.calls);
        aws.calls.clear();
        AutoScalingSinkWriter second = new AutoScalingSinkWriter(ctx2, testConfig().build(), c -> aws, List.of(restored));
        drainMailbox(ctx2);
        second.write(decision("web", 1_000, 5, 1), null);
        second.write(decision("api", 1_000, 8, 2), null);
        drainMailbox(ctx2);
        assertThat(before.stream().filter(c -> c.startsWith("set web")).count()).isEqualTo(1);
        assertThat(aws.calls).containsExactly("describe [api]", "tag api prescale:applied-decision=1000/8/2", "set api 8", "warm api 2 2 Stopped false");
        assertThat(second.metrics().stale.getCount()).isEqualTo(2);
        assertThat(second.snapshotState(8).get(0).pending()).isEmpty();
    }

    @Test
    void decisionsAppliedAfterTheCheckpointAreNotAppliedAgainWhenReplayed() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        RecordingAutoScalingClient aws = new RecordingAutoScalingClient().group("web", 1, 50, 2);
        AutoScalingSinkWriter first = writer(ctx, testConfig().build(), aws);
        List<AutoScalingWriterState> checkpoint = first.snapshotState(1);
        // Applied after the checkpoint, then the TaskManager dies.
        first.write(decision("web", 1_000, 5, 1), null);
        drainMailbox(ctx);
        first.write(decision("web", 2_000, 9, 2), null);
        drainMailbox(ctx);
        first.close();
        assertThat(aws.count("set web")).isEqualTo(2);

        // Restored from the checkpoint, the job emits both decisions again.
        aws.calls.clear();
        TestSinkInitContext ctx2 = new TestSinkInitContext();
        AutoScalingSinkWriter second = new AutoScalingSinkWriter(ctx2, testConfig().build(), c -> aws, checkpoint);
        second.write(decision("web", 1_000, 5, 1), null);
        drainMailbox(ctx2);
        second.write(decision("web", 2_000, 9, 2), null);
        drainMailbox(ctx2);
        // Without the tag the first would set 5 again (undoing the newer 9) and the second 9 again.
        assertThat(aws.calls).containsExactly("describe [web]", "describe [web]");
        assertThat(aws.groups.get("web").desired).isEqualTo(9);
        assertThat(second.metrics().stale.getCount()).isEqualTo(1);
        assertThat(second.metrics().unchanged.getCount()).isEqualTo(1);
        assertThat(second.snapshotState(2).get(0).lastSettled()).containsEntry("web", 2_000L);
    }

    @Test
    void flushWaitsForCallsOnTheWireSoTheSnapshotIsExact() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        ScheduledExecutorService awsThread = Executors.newSingleThreadScheduledExecutor();
        RecordingAutoScalingClient slow = new RecordingAutoScalingClient() {
            @Override
            public CompletableFuture<DescribeAutoScalingGroupsResponse> describeAutoScalingGroups(DescribeAutoScalingGroupsRequest r) {
                CompletableFuture<DescribeAutoScalingGroupsResponse> later = new CompletableFuture<>();
                awsThread.schedule(() -> super.describeAutoScalingGroups(r).whenComplete((v, e) -> later.complete(v)), 200, TimeUnit.MILLISECONDS);
                return later;
            }
        }.group("web", 1, 20, 2);
        try {
            AutoScalingSinkWriter w = writer(ctx, testConfig().warmPoolEnabled(false).build(), slow);
            w.write(decision("web", 1_000, 9, 0), null);
            assertThat(w.snapshotState(1).get(0).pending()).containsOnlyKeys("web");
            w.flush(false);
            AutoScalingWriterState state = w.snapshotState(2).get(0);
            assertThat(state.pending()).isEmpty();
            assertThat(state.lastSettled()).containsEntry("web", 1_000L);
            assertThat(slow.groups.get("web").desired).isEqualTo(9);
        } finally {
            awsThread.shutdownNow();
        }
    }

    @Test
    void callsWaitForTheRateLimitSharedByTheWriters() throws Exception {
        TestSinkInitContext ctx = new TestSinkInitContext();
        RecordingAutoScalingClient aws = new RecordingAutoScalingClient().group("a", 0, 9, 0).group("b", 0, 9, 0);
        AutoScalingSinkWriter w = writer(ctx, testConfig().warmPoolEnabled(false).requestsPerSecond(2).rateBurst(1).build(), aws);
        w.write(decision("a", 1_000, 1, 0), null);
        w.write(decision("b", 1_000, 1, 0), null);
        drainMailbox(ctx);
        // 2 calls per second, burst 1: tokens are handed out in the order they were asked for.
        assertThat(aws.calls).containsExactly("describe [a]");
        ctx.getTestProcessingTimeService().advance(499);
        drainMailbox(ctx);
        assertThat(aws.calls).containsExactly("describe [a]");
        ctx.getTestProcessingTimeService().advance(1);
        drainMailbox(ctx);
        assertThat(aws.calls).containsExactly("describe [a]", "describe [b]");
        ctx.getTestProcessingTimeService().advance(500);
        drainMailbox(ctx);
        assertThat(aws.calls).containsExactly("describe [a]", "describe [b]", "tag a prescale:applied-decision=1000/1/-1");
        ctx.getTestProcessingTimeService().advance(500);
        drainMailbox(ctx);
        assertThat(aws.calls).containsExactly("describe [a]", "describe [b]", "tag a prescale:applied-decision=1000/1/-1", "tag b prescale:applied-decision=1000/1/-1");
        ctx.getTestProcessingTimeService().advance(500);
        drainMailbox(ctx);
        assertThat(aws.calls).endsWith("set a 1");
        ctx.getTestProcessingTimeService().advance(500);
        drainMailbox(ctx);
        assertThat(aws.calls).endsWith("set a 1", "set b 1").hasSize(6);
        assertThat(w.metrics().rateLimited.getCount()).isEqualTo(5);
    }
}
