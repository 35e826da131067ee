package dev.prescale.connectors.aws;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClientBuilder;

/**
 * The real SDK v2 async client: region and optional endpoint override from the configuration,
 * credentials from the SDK default provider chain. The SDK's own retries are switched off because
 * the sink retries itself (with backoff, under its rate limit, and superseding stale decisions).
 */
public final class DefaultAutoScalingClientProvider implements AutoScalingClientProvider {
    private static final long serialVersionUID = 1L;

    @Override
    public AutoScalingAsyncClient create(AutoScalingSinkConfig config) {
        AutoScalingAsyncClientBuilder builder = AutoScalingAsyncClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .connectionTimeout(config.apiCallAttemptTimeout())
                        .maxConcurrency(16))
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(config.apiCallAttemptTimeout())
                        .apiCallTimeout(config.apiCallAttemptTimeout().multipliedBy(2)));
        if (config.endpointOverride() != null) {
            builder.endpointOverride(URI.create(config.endpointOverride()));
        }
        return builder.build();
    }
}
