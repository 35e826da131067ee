package dev.prescale.connectors.aws;

import dev.prescale.connectors.records.ScalingDecision;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;

/**
 * The Flink shell around {@link DecisionDispatcher}. A plain {@code StatefulSinkWriter} rather than
 * an {@code AsyncSinkWriter}: AsyncSinkWriter buffers every entry and backpressures when its buffer
 * is full, and checkpoints the buffer, while this sink must coalesce to the newest decision per
 * group (so an unreachable AWS never backpressures the job), run several dependent calls per
 * decision, and checkpoint per-group "last settled" timestamps besides the pending decisions.
 * SDK callbacks and retry timers come back through the mailbox, so no state is shared across threads.
 */
public final class AutoScalingSinkWriter implements StatefulSinkWriter<ScalingDecision, AutoScalingWriterState> {
    private static final Logger LOG = LoggerFactory.getLogger(AutoScalingSinkWriter.class);

    private final AutoScalingSinkConfig config;
    private final MailboxExecutor mailbox;
    private final ProcessingTimeService time;
    private final AutoScalingAsyncClient client;
    private final DecisionDispatcher dispatcher;
    private final SinkMetrics metrics;

    public AutoScalingSinkWriter(
            WriterInitContext context,
            AutoScalingSinkConfig config,
            AutoScalingClientProvider clientProvider,
            Collection<AutoScalingWriterState> restored) {
        this.config = config;
        this.mailbox = context.getMailboxExecutor();
        this.time = context.getProcessingTimeService();
        this.metrics = new SinkMetrics(context.metricGroup());
        this.client = config.mode() == SinkMode.APPLY ? clientProvider.create(config) : null;
        int writers = Math.max(1, context.getTaskInfo().getNumberOfParallelSubtasks());
        // The rate limit is per account: every parallel writer gets an equal share of it.
        TokenBucket bucket = new TokenBucket(new ProcessingTimeClock(time),
                config.requestsPerSecond() / writers, Math.max(1, config.rateBurst() / writers));
        Backoff backoff = new Backoff(config.retryBaseDelay().toMillis(), config.retryMaxDelay().toMillis(),
                () -> ThreadLocalRandom.current().nextDouble());
        DelayScheduler scheduler = (delay, task) ->
                time.registerTimer(time.getCurrentProcessingTime() + delay, ts -> task.run());
        this.dispatcher = new DecisionDispatcher(config, client, scheduler,
                task -> mailbox.execute(task::run, "autoscaling sink callback"),
                bucket, backoff, AwsErrors.defaultChain(), metrics);
        LOG.info("Auto Scaling sink writer {}/{} started: {}", context.getTaskInfo().getIndexOfThisSubtask(), writers, config);
        if (!restored.isEmpty()) {
            dispatcher.restore(AutoScalingWriterState.merge(restored));
        }
    }

    @Override
    public void write(ScalingDecision decision, Context context) {
        dispatcher.accept(decision);
    }

    /**
     * Before a checkpoint: waits until no call is on the wire, so the snapshot says exactly what was
     * applied (a decision waiting for a retry is checkpointed as pending and does not hold the
     * checkpoint up). At the end of a bounded input: also waits for pending decisions, at most the
     * configured drain timeout.
     */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        while (dispatcher.inFlight() > 0) {
            mailbox.yield();
        }
        if (!endOfInput || dispatcher.unsettled() == 0) {
            return;
        }
        long deadline = time.getCurrentProcessingTime() + config.drainTimeout().toMillis();
        // A timer at the deadline guarantees yield() wakes up even if nothing else happens.
        time.registerTimer(deadline, ts -> {});
        while (dispatcher.unsettled() > 0 && time.getCurrentProcessingTime() < deadline) {
            mailbox.yield();
        }
        if (dispatcher.unsettled() > 0) {
            LOG.warn("End of input: {} group(s) still had unapplied decisions after {}", dispatcher.unsettled(), config.drainTimeout());
        }
    }

    @Override
    public List<AutoScalingWriterState> snapshotState(long checkpointId) throws IOException {
        return List.of(dispatcher.snapshot());
    }

    /** The sink's counters (also registered as Flink metrics under {@code autoscaling}). */
    public SinkMetrics metrics() {
        return metrics;
    }

    /** Groups with a decision not yet applied. */
    public int unsettledGroups() {
        return dispatcher.unsettled();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
