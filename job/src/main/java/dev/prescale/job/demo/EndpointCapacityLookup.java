package dev.prescale.job.demo;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.Instance;

/**
 * Reads a group's capacity with the real AWS SDK v2 client (DescribeAutoScalingGroups), pointed at
 * an endpoint URL such as the local Auto Scaling endpoint. Static dummy credentials: the local
 * endpoint accepts any signature; for AWS itself use the default credential chain instead.
 */
public final class EndpointCapacityLookup implements CapacityLookup {

    private final AutoScalingAsyncClient client;

    public EndpointCapacityLookup(String endpointUrl, String region) {
        this.client = AutoScalingAsyncClient.builder()
                .region(Region.of(region))
                .endpointOverride(URI.create(endpointUrl))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(3)))
                .build();
    }

    @Override
    public Optional<GroupCapacity> lookup(String group) {
        try {
            DescribeAutoScalingGroupsResponse r = client.describeAutoScalingGroups(b -> b.autoScalingGroupNames(group))
                    .get(5, TimeUnit.SECONDS);
            if (r.autoScalingGroups().isEmpty()) {
                return Optional.empty();
            }
            AutoScalingGroup g = r.autoScalingGroups().get(0);
            int inService = 0;
            int pending = 0;
            for (Instance i : g.instances()) {
                String state = i.lifecycleStateAsString();
                if ("InService".equals(state)) {
                    inService++;
                } else if (state != null && state.startsWith("Pending")) {
                    pending++;
                }
            }
            int warm = g.warmPoolSize() == null ? 0 : g.warmPoolSize();
            return Optional.of(new GroupCapacity(g.desiredCapacity() == null ? 0 : g.desiredCapacity(), inService, pending, warm));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
