package dev.prescale.connectors.aws.local;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Faults the local endpoint injects into API calls (admin paths are never affected): the next N
 * calls answer a given AWS error (Throttling, InternalFailure, ...), every answer is delayed, or
 * the endpoint is down for a period (connections are closed without an answer). Thread-safe.
 */
public final class FaultInjector {
    /** What to do with one API call. */
    public enum Action {
        ANSWER,
        DROP_CONNECTION
    }

    private final Clock clock;
    private final Deque<AutoScalingApiException> queuedErrors = new ArrayDeque<>();
    private long delayMillis;
    private long downUntilMillis = Long.MIN_VALUE;
    private long injected;

    public FaultInjector(Clock clock) {
        this.clock = clock;
    }

    /** The next {@code count} API calls answer 400 Throttling "Rate exceeded". */
    public synchronized void throttleNext(int count) {
        errorNext(count, 400, "Throttling", "Rate exceeded");
    }

    /** The next {@code count} API calls answer a server error (500 InternalFailure or 503 ServiceUnavailable). */
    public synchronized void serverErrorNext(int count, int status) {
        errorNext(count, status, status == 503 ? "ServiceUnavailable" : "InternalFailure",
                "An internal error occurred (injected)");
    }

    /** The next {@code count} API calls answer this AWS error. */
    public synchronized void errorNext(int count, int status, String code, String message) {
        for (int i = 0; i < count; i++) {
            queuedErrors.add(new AutoScalingApiException(status, code, message));
        }
    }

    /** Every answer waits this long first (0 to stop). */
    public synchronized void delayAnswers(Duration delay) {
        this.delayMillis = delay.toMillis();
    }

    /** For this long (on the endpoint's clock), API calls get their connection closed without an answer. */
    public synchronized void downFor(Duration period) {
        this.downUntilMillis = clock.millis() + period.toMillis();
    }

    /** Clears every fault. */
    public synchronized void clear() {
        queuedErrors.clear();
        delayMillis = 0;
        downUntilMillis = Long.MIN_VALUE;
    }

    public synchronized long delayMillis() {
        return delayMillis;
    }

    public synchronized boolean isDown() {
        return clock.millis() < downUntilMillis;
    }

    /** Faults injected so far (errors answered plus connections dropped). */
    public synchronized long injectedCount() {
        return injected;
    }

    /** Decides the fate of one API call: drop it, throw the queued error, or answer normally. */
    public synchronized Action beforeCall() {
        if (isDown()) {
            injected++;
            return Action.DROP_CONNECTION;
        }
        AutoScalingApiException error = queuedErrors.poll();
        if (error != null) {
            injected++;
            throw error;
        }
        return Action.ANSWER;
    }
}
