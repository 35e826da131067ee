package dev.prescale.connectors.aws;

import dev.prescale.connectors.records.ScalingDecision;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.autoscaling.model.WarmPoolConfiguration;

/**
 * The sink's logic without Flink: per Auto Scaling group it keeps the newest pending decision, runs
 * at most one apply at a time (Describe, then SetDesiredCapacity and PutWarmPool only where AWS
 * differs), retries retryable errors with backoff under the rate limit, and gives up on fatal
 * ones. Before changing a group it tags the group with the decision ({@link #APPLIED_TAG}), and it
 * skips a decision older than the group's tag: after a restore from a checkpoint, decisions applied
 * between that checkpoint and the failure come again and must not be applied twice (an older one
 * would undo a newer one). All methods, and every callback, run on one thread (the writer's mailbox thread): SDK
 * completions are handed back through {@code writerThread}, delays through {@code scheduler}.
 */
public final class DecisionDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionDispatcher.class);

    /** Group tag {@code <decision timestamp>/<desired>/<warm pool>} of the newest decision the sink started to apply. */
    public static final String APPLIED_TAG = "prescale:applied-decision";

    private final AutoScalingSinkConfig config;
    private final AutoScalingAsyncClient client;
    private final DelayScheduler scheduler;
    private final Executor writerThread;
    private final TokenBucket bucket;
    private final Backoff backoff;
    private final List<FatalErrorClassifier> fatalChain;
    private final SinkMetrics metrics;
    private final Map<String, GroupSlot> slots = new HashMap<>();
    private final Set<String> loggedOnce = new HashSet<>();
    // Off after a fatal answer to CreateOrUpdateTags (e.g. no IAM permission): decisions are still applied.
    private boolean tagging = true;

    /** Per-group bookkeeping. */
    private static final class GroupSlot {
        final String group;
        long lastSettled = Long.MIN_VALUE;
        ScalingDecision pending;
        ScalingDecision inFlight;
        boolean waitingForRetry;
        int failedAttempts;
        // What this writer last made AWS hold, to skip even the Describe for a repeated decision.
        Integer lastDesired;
        Integer lastWarm;

        GroupSlot(String group) {
            this.group = group;
        }
    }

    public DecisionDispatcher(
            AutoScalingSinkConfig config,
            AutoScalingAsyncClient client,
            DelayScheduler scheduler,
            Executor writerThread,
            TokenBucket bucket,
            Backoff backoff,
            List<FatalErrorClassifier> fatalChain,
            SinkMetrics metrics) {
        if (config.mode() == SinkMode.APPLY && client == null) {
            throw new IllegalArgumentException("apply mode needs a client");
        }
        this.config = config;
        this.client = client;
        this.scheduler = scheduler;
        this.writerThread = writerThread;
        this.bucket = bucket;
        this.backoff = backoff;
        this.fatalChain = fatalChain;
        this.metrics = metrics;
    }

    /** Loads checkpointed state and starts applying the restored pending decisions. */
    public void restore(AutoScalingWriterState state) {
        state.lastSettled().forEach((g, ts) -> slot(g).lastSettled = ts);
        state.pending().values().forEach(this::accept);
    }

    /** Takes one decision; never blocks, never calls AWS on this thread's time beyond issuing requests. */
    public void accept(ScalingDecision decision) {
        if (decision == null || decision.target == null || decision.target.isBlank()) {
            logOnce("no-target", "Ignoring a scaling decision without a target: {}", decision);
            metrics.fatalErrors.inc();
            return;
        }
        GroupSlot slot = slot(decision.target);
        long ts = decision.timestamp;
        if (ts <= slot.lastSettled
                || (slot.inFlight != null && ts <= slot.inFlight.timestamp)
                || (slot.pending != null && ts <= slot.pending.timestamp)) {
            metrics.stale.inc();
            LOG.debug("Skipping stale decision for {} at {}", decision.target, ts);
            return;
        }
        if (config.mode() == SinkMode.DRY_RUN) {
            metrics.dryRun.inc();
            slot.lastSettled = ts;
            LOG.info("dry-run: would set group {} desired capacity {} and warm pool {} ({})",
                    decision.target, decision.desiredCapacity, decision.warmPoolSize, decision.reason);
            return;
        }
        if (slot.pending != null) {
            metrics.superseded.inc();
        }
        slot.pending = copy(decision);
        startIfIdle(slot);
    }

    /** Number of groups with an apply on the wire (or waiting for a rate-limit token). */
    public int inFlight() {
        int n = 0;
        for (GroupSlot s : slots.values()) {
            if (s.inFlight != null) {
                n++;
            }
        }
        return n;
    }

    /** Number of groups with a decision not yet applied (in flight, waiting for a retry, or queued). */
    public int unsettled() {
        int n = 0;
        for (GroupSlot s : slots.values()) {
            if (s.inFlight != null || s.pending != null) {
                n++;
            }
        }
        return n;
    }

    /** The state to checkpoint; an in-flight decision counts as pending (it is not confirmed yet). */
    public AutoScalingWriterState snapshot() {
        Map<String, Long> settled = new HashMap<>();
        Map<String, ScalingDecision> pending = new HashMap<>();
        for (GroupSlot s : slots.values()) {
            if (s.lastSettled != Long.MIN_VALUE) {
                settled.put(s.group, s.lastSettled);
            }
            ScalingDecision newest = s.pending != null ? s.pending : s.inFlight;
            if (newest != null) {
                pending.put(s.group, copy(newest));
            }
        }
        return new AutoScalingWriterState(settled, pending);
    }

    private GroupSlot slot(String group) {
        return slots.computeIfAbsent(group, GroupSlot::new);
    }

    private void startIfIdle(GroupSlot slot) {
        if (slot.inFlight != null || slot.waitingForRetry || slot.pending == null) {
            return;
        }
        slot.inFlight = slot.pending;
        slot.pending = null;
        ScalingDecision d = slot.inFlight;
        int warm = wantedWarmPool(d);
        if (slot.lastDesired != null && slot.lastDesired == d.desiredCapacity && slot.lastWarm != null && slot.lastWarm == warm) {
            succeed(slot, d, false);
            return;
        }
        call(slot, () -> client.describeAutoScalingGroups(b -> b.autoScalingGroupNames(d.target)),
                response -> onDescribed(slot, d, response));
    }

    private void onDescribed(GroupSlot slot, ScalingDecision d, DescribeAutoScalingGroupsResponse response) {
        AutoScalingGroup group = response.autoScalingGroups().stream()
                .filter(g -> d.target.equals(g.autoScalingGroupName()))
                .findFirst()
                .orElseThrow(() -> new UnknownGroupException(d.target));
        int min = group.minSize() == null ? 0 : group.minSize();
        int max = group.maxSize() == null ? Integer.MAX_VALUE : group.maxSize();
        int desired = Math.max(min, Math.min(max, d.desiredCapacity));
        if (desired != d.desiredCapacity) {
            metrics.clamped.inc();
            logOnce("clamp|" + d.target, "Group {}: desired capacity {} is outside [{}, {}], using {}",
                    d.target, d.desiredCapacity, min, max, desired);
        }
        long taggedAt = appliedTimestamp(group);
        if (taggedAt > d.timestamp) {
            // A newer decision was applied (or started) before a restore: this one is a replay.
            metrics.stale.inc();
            LOG.info("Group {} is tagged with the decision at {}: not applying the older one at {} again", d.target, taggedAt, d.timestamp);
            slot.lastDesired = null;
            slot.lastWarm = null;
            slot.lastSettled = Math.max(slot.lastSettled, d.timestamp);
            slot.inFlight = null;
            slot.failedAttempts = 0;
            startIfIdle(slot);
            return;
        }
        boolean setCapacity = group.desiredCapacity() == null || group.desiredCapacity() != desired;
        int warm = wantedWarmPool(d);
        WarmPoolConfiguration current = group.warmPoolConfiguration();
        boolean putWarmPool = warm >= 0 && !(current == null && warm == 0) && !warmPoolMatches(current, warm);
        Runnable afterSet = () -> {
            if (putWarmPool) {
                call(slot, () -> client.putWarmPool(b -> b.autoScalingGroupName(d.target)
                                // MinSize == MaxGroupPreparedCapacity gives the pool an absolute size,
                                // independent of the desired capacity (AWS PutWarmPool documentation).
                                .minSize(warm)
                                .maxGroupPreparedCapacity(warm)
                                .poolState(config.warmPoolState())
                                .instanceReusePolicy(p -> p.reuseOnScaleIn(config.reuseOnScaleIn()))),
                        r -> succeed(slot, d, true));
            } else {
                succeed(slot, d, setCapacity);
            }
        };
        Runnable apply = () -> {
            if (setCapacity) {
                call(slot, () -> client.setDesiredCapacity(b -> b.autoScalingGroupName(d.target)
                                .desiredCapacity(desired)
                                // The engine has its own cooldowns; the group's must not veto a forecast.
                                .honorCooldown(false)),
                        r -> afterSet.run());
            } else {
                afterSet.run();
            }
        };
        if ((setCapacity || putWarmPool) && tagging && taggedAt != d.timestamp) {
            // Tag first: a failure between the tag and the change leaves a tag for this decision, whose
            // replay then applies it (the group does not hold it), while older replays are skipped.
            String value = d.timestamp + "/" + desired + "/" + warm;
            call(slot, () -> client.createOrUpdateTags(b -> b.tags(t -> t.resourceId(d.target).resourceType("auto-scaling-group")
                            .key(APPLIED_TAG).value(value).propagateAtLaunch(false))),
                    r -> apply.run(),
                    error -> {
                        Optional<FatalError> fatal = AwsErrors.classify(fatalChain, error);
                        if (fatal.isEmpty()) {
                            onFailure(slot, error);
                            return;
                        }
                        tagging = false;
                        LOG.warn("Cannot tag Auto Scaling groups ({}): decisions are applied without the {} tag, so after a restore "
                                + "a decision applied since the last checkpoint may be applied again", fatal.get(), APPLIED_TAG);
                        apply.run();
                    });
        } else {
            apply.run();
        }
    }

    /** The decision timestamp in the group's {@link #APPLIED_TAG}, or Long.MIN_VALUE without a readable tag. */
    static long appliedTimestamp(AutoScalingGroup group) {
        if (!group.hasTags()) {
            return Long.MIN_VALUE;
        }
        for (TagDescription t : group.tags()) {
            if (APPLIED_TAG.equals(t.key()) && t.value() != null) {
                try {
                    return Long.parseLong(t.value().split("/", 2)[0]);
                } catch (NumberFormatException e) {
                    return Long.MIN_VALUE;
                }
            }
        }
        return Long.MIN_VALUE;
    }

    private boolean warmPoolMatches(WarmPoolConfiguration current, int warm) {
        if (current == null) {
            return false;
        }
        boolean reuse = current.instanceReusePolicy() != null
                && Boolean.TRUE.equals(current.instanceReusePolicy().reuseOnScaleIn());
        return current.minSize() != null && current.minSize() == warm
                && current.maxGroupPreparedCapacity() != null && current.maxGroupPreparedCapacity() == warm
                && config.warmPoolState().equals(current.poolStateAsString())
                && reuse == config.reuseOnScaleIn();
    }

    /** The warm-pool size to put, or -1 when the sink does not manage warm pools. */
    private int wantedWarmPool(ScalingDecision d) {
        return config.warmPoolEnabled() ? Math.max(0, d.warmPoolSize) : -1;
    }

    private void succeed(GroupSlot slot, ScalingDecision d, boolean sentSomething) {
        if (sentSomething) {
            metrics.applied.inc();
            LOG.info("Applied to group {}: desired capacity {}, warm pool {} (decision at {})",
                    d.target, d.desiredCapacity, d.warmPoolSize, d.timestamp);
        } else {
            metrics.unchanged.inc();
        }
        slot.lastSettled = Math.max(slot.lastSettled, d.timestamp);
        slot.lastDesired = d.desiredCapacity;
        slot.lastWarm = wantedWarmPool(d);
        slot.inFlight = null;
        slot.failedAttempts = 0;
        startIfIdle(slot);
    }

    private void onFailure(GroupSlot slot, Throwable error) {
        ScalingDecision d = slot.inFlight;
        slot.inFlight = null;
        // What AWS holds is unknown now: the next decision must Describe again.
        slot.lastDesired = null;
        slot.lastWarm = null;
        Optional<FatalError> fatal = AwsErrors.classify(fatalChain, error);
        if (fatal.isPresent()) {
            metrics.fatalErrors.inc();
            logOnce("fatal|" + slot.group + "|" + fatal.get().kind(),
                    "Giving up on the decision for group {} at {}: {} (further errors of this kind for this group are only counted)",
                    slot.group, d.timestamp, fatal.get());
            slot.lastSettled = Math.max(slot.lastSettled, d.timestamp);
            slot.failedAttempts = 0;
            startIfIdle(slot);
            return;
        }
        metrics.retries.inc();
        if (slot.pending == null) {
            slot.pending = d;
        } else {
            metrics.superseded.inc();
        }
        slot.failedAttempts++;
        long delay = backoff.delayMillis(slot.failedAttempts);
        LOG.debug("Retryable error for group {} (attempt {}), retrying in {} ms: {}",
                slot.group, slot.failedAttempts, delay, AwsErrors.unwrap(error).toString());
        if (slot.failedAttempts == 1 || slot.failedAttempts % 10 == 0) {
            LOG.warn("Auto Scaling call for group {} failed ({} attempts so far), retrying: {}",
                    slot.group, slot.failedAttempts, AwsErrors.unwrap(error).toString());
        }
        slot.waitingForRetry = true;
        scheduler.schedule(delay, () -> {
            slot.waitingForRetry = false;
            startIfIdle(slot);
        });
    }

    /** Issues one API call when the rate limiter allows, and continues on the writer thread. */
    private <T> void call(GroupSlot slot, Supplier<CompletableFuture<T>> request, Consumer<T> next) {
        call(slot, request, next, error -> onFailure(slot, error));
    }

    /** As above, with the handler of a failed call. */
    private <T> void call(GroupSlot slot, Supplier<CompletableFuture<T>> request, Consumer<T> next, Consumer<Throwable> failed) {
        Runnable issue = () -> {
            CompletableFuture<T> future;
            try {
                future = request.get();
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            future.whenComplete((result, error) -> writerThread.execute(() -> {
                if (error != null) {
                    failed.accept(error);
                    return;
                }
                try {
                    next.accept(result);
                } catch (RuntimeException e) {
                    onFailure(slot, e);
                }
            }));
        };
        long wait = bucket.reserve();
        if (wait <= 0) {
            issue.run();
        } else {
            metrics.rateLimited.inc();
            scheduler.schedule(wait, issue);
        }
    }

    private void logOnce(String key, String format, Object... args) {
        if (loggedOnce.add(key)) {
            LOG.warn(format, args);
        }
    }

    private static ScalingDecision copy(ScalingDecision d) {
        ScalingDecision c = new ScalingDecision();
        c.target = d.target;
        c.timestamp = d.timestamp;
        c.desiredCapacity = d.desiredCapacity;
        c.warmPoolSize = d.warmPoolSize;
        c.currentCapacity = d.currentCapacity;
        c.change = d.change;
        c.confidence = d.confidence;
        c.riskLevel = d.riskLevel;
        c.policy = d.policy;
        c.modelVersion = d.modelVersion;
        c.reason = d.reason;
        c.resources = d.resources;
        return c;
    }
}
