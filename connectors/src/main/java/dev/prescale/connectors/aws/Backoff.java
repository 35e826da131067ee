package dev.prescale.connectors.aws;

import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "equal jitter": half of the capped exponential delay is fixed, the
 * other half random, so retries from many writers spread out but never retry immediately.
 */
public final class Backoff {
    private final long baseMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    public Backoff(long baseMillis, long maxMillis, DoubleSupplier random) {
        this.baseMillis = baseMillis;
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public long delayMillis(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long exp = Math.min(maxMillis, baseMillis << shift);
        long half = exp / 2;
        return half + (long) (random.getAsDouble() * (exp - half));
    }
}
