package dev.prescale.connectors.aws;

import static dev.prescale.connectors.aws.SinkTestSupport.decision;
import static dev.prescale.connectors.aws.SinkTestSupport.runUntil;
import static dev.prescale.connectors.aws.SinkTestSupport.testConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.aws.local.LaunchTimings;
import dev.prescale.connectors.aws.local.LocalAutoScalingEndpoint;
import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.TestSinkInitContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer with the REAL SDK client against the local endpoint, with injected faults. */
class AutoScalingSinkAgainstEndpointTest {
    private final MutableClock endpointClock = new MutableClock(1_700_000_000_000L);
    private LocalAutoScalingEndpoint endpoint;
    private TestSinkInitContext ctx;
    private AutoScalingSinkWriter writer;

    @BeforeAll
    static void fakeCredentials() {
        System.setProperty("aws.accessKeyId", "AKIDLOCALTEST");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    @BeforeEach
    void start() throws Exception {
        endpoint = LocalAutoScalingEndpoint.start(0, endpointClock, LaunchTimings.defaults());
        endpoint.service().createGroup("web", 1, 30, 2);
        ctx = new TestSinkInitContext();
        writer = new AutoScalingSinkWriter(ctx, testConfig().endpointOverride(endpoint.url())
                .apiCallAttemptTimeout(Duration.ofSeconds(2)).build(), new DefaultAutoScalingClientProvider(), List.of());
    }

    @AfterEach
    void stop() {
        writer.close();
        endpoint.close();
    }

    @Test
    void retriesThrottlingAndServerErrorsThenAppliesCapacityAndWarmPool() throws Exception {
        endpoint.faults().throttleNext(3);
        endpoint.faults().serverErrorNext(2, 500);
        writer.write(decision("web", 1_000, 8, 3), null);
        runUntil(ctx, () -> writer.unsettledGroups() == 0, 1_000, Duration.ofSeconds(30));

        assertThat(writer.metrics().retries.getCount()).isEqualTo(5);
        assertThat(writer.metrics().applied.getCount()).isEqualTo(1);
        assertThat(endpoint.calls("SetDesiredCapacity")).hasSize(1);
        assertThat(endpoint.calls("PutWarmPool")).hasSize(1);
        // The group reaches the decision: cold launches after 600 s, the warm pool prepared after 600 s.
        endpointClock.advance(Duration.ofSeconds(600));
        var group = endpoint.service().group("web");
        assertThat(group.desiredCapacity).isEqualTo(8);
        assertThat(group.inService()).isEqualTo(8);
        assertThat(group.warmReady()).isEqualTo(3);
    }

    @Test
    void whileTheEndpointIsDownDecisionsKeepFlowingAndTheNewestIsAppliedOnce() throws Exception {
        endpoint.faults().downFor(Duration.ofSeconds(60));
        for (int i = 1; i <= 20; i++) {
            writer.write(decision("web", i * 1_000L, 2 + i, 1), null);
            SinkTestSupport.drainMailbox(ctx);
        }
        runUntil(ctx, () -> writer.metrics().retries.getCount() >= 3, 1_000, Duration.ofSeconds(30));
        assertThat(endpoint.calls("SetDesiredCapacity")).isEmpty();
        assertThat(writer.unsettledGroups()).isEqualTo(1);

        endpointClock.advance(Duration.ofSeconds(60));
        runUntil(ctx, () -> writer.unsettledGroups() == 0, 1_000, Duration.ofSeconds(30));
        assertThat(endpoint.calls("SetDesiredCapacity")).hasSize(1);
        assertThat(endpoint.calls("SetDesiredCapacity").get(0).params).containsEntry("DesiredCapacity", "22");
        assertThat(endpoint.service().group("web").desiredCapacity).isEqualTo(22);
    }
}
