package dev.prescale.connectors.aws;

import dev.prescale.connectors.records.ScalingDecision;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.flink.connector.base.sink.writer.TestSinkInitContext;

/** Shared helpers for writer tests on {@link TestSinkInitContext}. */
final class SinkTestSupport {
    private SinkTestSupport() {}

    static ScalingDecision decision(String target, long ts, int desired, int warm) {
        ScalingDecision d = new ScalingDecision();
        d.target = target;
        d.timestamp = ts;
        d.desiredCapacity = desired;
        d.warmPoolSize = warm;
        d.riskLevel = "MEDIUM";
        d.policy = "predictive";
        d.reason = "test decision " + ts;
        return d;
    }

    /** Config for tests: apply mode, a generous rate limit, short retry delays. */
    static AutoScalingSinkConfig.Builder testConfig() {
        return AutoScalingSinkConfig.builder()
                .mode(SinkMode.APPLY)
                .requestsPerSecond(1000)
                .rateBurst(1000)
                .retryBaseDelay(Duration.ofMillis(100))
                .retryMaxDelay(Duration.ofMillis(1600));
    }

    /** Runs every mail already in the writer's mailbox (SDK callbacks). */
    static void drainMailbox(TestSinkInitContext context) {
        while (context.getMailboxExecutor().tryYield()) {
            // keep going
        }
    }

    /**
     * Processes mail and advances processing time step by step until the condition holds
     * (for real HTTP calls whose answers arrive on other threads).
     */
    static void runUntil(TestSinkInitContext context, BooleanSupplier done, long stepMillis, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + timeout);
            }
            drainMailbox(context);
            if (done.getAsBoolean()) {
                return;
            }
            context.getTestProcessingTimeService().advance(stepMillis);
            Thread.sleep(5);
        }
    }
}
