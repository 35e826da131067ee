package dev.prescale.connectors.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

/** {@link CurrentAllocationReader} over DescribeAutoScalingGroups (the sink's own IAM permission). */
public final class SdkCurrentAllocationReader implements CurrentAllocationReader {
    /** DescribeAutoScalingGroups takes at most this many names per call. */
    private static final int NAMES_PER_CALL = 50;

    private final AutoScalingAsyncClient client;

    public SdkCurrentAllocationReader(AutoScalingAsyncClient client) {
        this.client = client;
    }

    public static SdkCurrentAllocationReader create(AutoScalingSinkConfig config, AutoScalingClientProvider provider) {
        return new SdkCurrentAllocationReader(provider.create(config));
    }

    @Override
    public CompletableFuture<List<CurrentAllocation>> read(List<String> groups) {
        List<CompletableFuture<List<CurrentAllocation>>> parts = new ArrayList<>();
        for (int i = 0; i < groups.size(); i += NAMES_PER_CALL) {
            List<String> names = groups.subList(i, Math.min(groups.size(), i + NAMES_PER_CALL));
            parts.add(client.describeAutoScalingGroups(b -> b.autoScalingGroupNames(names).maxRecords(100))
                    .thenApply(r -> {
                        List<CurrentAllocation> out = new ArrayList<>();
                        r.autoScalingGroups().forEach(g -> out.add(toAllocation(g)));
                        return out;
                    }));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<CurrentAllocation> all = new ArrayList<>();
            parts.forEach(p -> all.addAll(p.join()));
            return all;
        });
    }

    static CurrentAllocation toAllocation(AutoScalingGroup g) {
        int inService = 0;
        int pending = 0;
        for (Instance i : g.instances()) {
            LifecycleState s = i.lifecycleState();
            if (s == LifecycleState.IN_SERVICE) {
                inService++;
            } else if (s == LifecycleState.PENDING || s == LifecycleState.PENDING_WAIT || s == LifecycleState.PENDING_PROCEED) {
                pending++;
            }
        }
        return new CurrentAllocation(g.autoScalingGroupName(), nz(g.minSize()), nz(g.maxSize()), nz(g.desiredCapacity()),
                inService, pending, nz(g.warmPoolSize()));
    }

    private static int nz(Integer v) {
        return v == null ? 0 : v;
    }

    @Override
    public void close() {
        client.close();
    }
}
