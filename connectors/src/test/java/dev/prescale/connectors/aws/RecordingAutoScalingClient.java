package dev.prescale.connectors.aws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.CreateOrUpdateTagsRequest;
import software.amazon.awssdk.services.autoscaling.model.CreateOrUpdateTagsResponse;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.InstanceReusePolicy;
import software.amazon.awssdk.services.autoscaling.model.PutWarmPoolRequest;
import software.amazon.awssdk.services.autoscaling.model.PutWarmPoolResponse;
import software.amazon.awssdk.services.autoscaling.model.SetDesiredCapacityRequest;
import software.amazon.awssdk.services.autoscaling.model.SetDesiredCapacityResponse;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.autoscaling.model.WarmPoolConfiguration;

/**
 * A hand-written fake of the SDK client: keeps groups in memory, records every call, and fails the
 * next calls with scripted errors. Answers complete immediately (on the caller's thread).
 */
public class RecordingAutoScalingClient implements AutoScalingAsyncClient {
    /** A group as the fake holds it. */
    public static final class FakeGroup {
        public int min;
        public int max;
        public int desired;
        public WarmPoolConfiguration warmPool;
        public final Map<String, String> tags = new LinkedHashMap<>();

        FakeGroup(int min, int max, int desired) {
            this.min = min;
            this.max = max;
            this.desired = desired;
        }
    }

    public final Map<String, FakeGroup> groups = new LinkedHashMap<>();
    public final List<String> calls = new ArrayList<>();
    private final Deque<Throwable> failures = new ArrayDeque<>();
    public boolean closed;

    public RecordingAutoScalingClient group(String name, int min, int max, int desired) {
        groups.put(name, new FakeGroup(min, max, desired));
        return this;
    }

    /** The next call (whatever it is) fails with this error. */
    public RecordingAutoScalingClient failNext(Throwable error) {
        failures.add(error);
        return this;
    }

    public long count(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }

    private <T> CompletableFuture<T> answer(String call, Supplier<T> result) {
        calls.add(call);
        Throwable failure = failures.poll();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        try {
            return CompletableFuture.completedFuture(result.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<DescribeAutoScalingGroupsResponse> describeAutoScalingGroups(DescribeAutoScalingGroupsRequest request) {
        return answer("describe " + request.autoScalingGroupNames(), () -> {
            List<AutoScalingGroup> out = new ArrayList<>();
            for (String name : request.autoScalingGroupNames()) {
                FakeGroup g = groups.get(name);
                if (g != null) {
                    List<TagDescription> tags = new ArrayList<>();
                    g.tags.forEach((k, v) -> tags.add(TagDescription.builder().resourceId(name).resourceType("auto-scaling-group")
                            .key(k).value(v).propagateAtLaunch(false).build()));
                    out.add(AutoScalingGroup.builder().autoScalingGroupName(name).minSize(g.min).maxSize(g.max)
                            .desiredCapacity(g.desired).warmPoolConfiguration(g.warmPool).tags(tags).build());
                }
            }
            return DescribeAutoScalingGroupsResponse.builder().autoScalingGroups(out).build();
        });
    }

    @Override
    public CompletableFuture<SetDesiredCapacityResponse> setDesiredCapacity(SetDesiredCapacityRequest request) {
        return answer("set " + request.autoScalingGroupName() + " " + request.desiredCapacity(), () -> {
            groups.get(request.autoScalingGroupName()).desired = request.desiredCapacity();
            return SetDesiredCapacityResponse.builder().build();
        });
    }

    @Override
    public CompletableFuture<PutWarmPoolResponse> putWarmPool(PutWarmPoolRequest request) {
        return answer("warm " + request.autoScalingGroupName() + " " + request.minSize() + " " + request.maxGroupPreparedCapacity()
                + " " + request.poolStateAsString() + " " + request.instanceReusePolicy().reuseOnScaleIn(), () -> {
            groups.get(request.autoScalingGroupName()).warmPool = WarmPoolConfiguration.builder()
                    .minSize(request.minSize()).maxGroupPreparedCapacity(request.maxGroupPreparedCapacity())
                    .poolState(request.poolStateAsString())
                    .instanceReusePolicy(InstanceReusePolicy.builder().reuseOnScaleIn(request.instanceReusePolicy().reuseOnScaleIn()).build())
                    .build();
            return PutWarmPoolResponse.builder().build();
        });
    }

    @Override
    public CompletableFuture<CreateOrUpdateTagsResponse> createOrUpdateTags(CreateOrUpdateTagsRequest request) {
        Tag t = request.tags().get(0);
        return answer("tag " + t.resourceId() + " " + t.key() + "=" + t.value(), () -> {
            for (Tag each : request.tags()) {
                groups.get(each.resourceId()).tags.put(each.key(), each.value());
            }
            return CreateOrUpdateTagsResponse.builder().build();
        });
    }

    @Override
    public String serviceName() {
        return "autoscaling";
    }

    @Override
    public void close() {
        closed = true;
    }
}
