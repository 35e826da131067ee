package dev.prescale.connectors.aws;

import java.io.Serializable;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;

/**
 * Creates the SDK client on the task manager (clients are not serializable). Tests pass a provider
 * of a hand-written fake {@link AutoScalingAsyncClient}; production uses {@link DefaultAutoScalingClientProvider}.
 */
@FunctionalInterface
public interface AutoScalingClientProvider extends Serializable {
    /** A new client for this configuration; the caller closes it. */
    AutoScalingAsyncClient create(AutoScalingSinkConfig config);
}
