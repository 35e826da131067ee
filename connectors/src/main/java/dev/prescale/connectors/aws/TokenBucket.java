package dev.prescale.connectors.aws;

import java.time.Clock;

/**
 * A token bucket for the API rate limit. {@link #reserve()} never blocks: it takes the next token
 * and says how long the caller must wait before using it, so the writer can schedule the call.
 */
public final class TokenBucket {
    private final Clock clock;
    private final double perMillis;
    private final double burst;
    private double tokens;
    private long lastMillis;

    public TokenBucket(Clock clock, double perSecond, int burst) {
        this.clock = clock;
        this.perMillis = perSecond / 1000.0;
        this.burst = burst;
        this.tokens = burst;
        this.lastMillis = clock.millis();
    }

    /** Takes one token; returns 0 if it may be used now, else the milliseconds until it may. */
    public synchronized long reserve() {
        long now = clock.millis();
        tokens = Math.min(burst, tokens + Math.max(0, now - lastMillis) * perMillis);
        lastMillis = now;
        tokens -= 1.0;
        if (tokens >= 0) {
            return 0;
        }
        return (long) Math.ceil(-tokens / perMillis);
    }
}
