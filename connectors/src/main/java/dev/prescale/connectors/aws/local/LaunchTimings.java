package dev.prescale.connectors.aws.local;

import java.time.Duration;

/**
 * How long the simulated group takes to bring capacity: a cold launch, a launch from the warm pool,
 * and preparing a new warm-pool instance (600 s, 120 s, 600 s as in EVALUATION.md), all divided by
 * a time-compression factor so that demos need not wait ten real minutes.
 */
public final class LaunchTimings {
    public static final Duration DEFAULT_COLD_LAUNCH = Duration.ofSeconds(600);
    public static final Duration DEFAULT_WARM_LAUNCH = Duration.ofSeconds(120);
    public static final Duration DEFAULT_WARM_PREPARE = Duration.ofSeconds(600);

    private final Duration coldLaunch;
    private final Duration warmLaunch;
    private final Duration warmPrepare;
    private final double timeCompression;

    public LaunchTimings(Duration coldLaunch, Duration warmLaunch, Duration warmPrepare, double timeCompression) {
        if (!(timeCompression > 0)) {
            throw new IllegalArgumentException("timeCompression must be positive");
        }
        if (coldLaunch.isNegative() || warmLaunch.isNegative() || warmPrepare.isNegative()) {
            throw new IllegalArgumentException("launch delays must not be negative");
        }
        this.coldLaunch = coldLaunch;
        this.warmLaunch = warmLaunch;
        this.warmPrepare = warmPrepare;
        this.timeCompression = timeCompression;
    }

    /** EVALUATION.md's delays in real time. */
    public static LaunchTimings defaults() {
        return new LaunchTimings(DEFAULT_COLD_LAUNCH, DEFAULT_WARM_LAUNCH, DEFAULT_WARM_PREPARE, 1.0);
    }

    public LaunchTimings compressedBy(double factor) {
        return new LaunchTimings(coldLaunch, warmLaunch, warmPrepare, factor);
    }

    public long coldLaunchMillis() {
        return scaled(coldLaunch);
    }

    public long warmLaunchMillis() {
        return scaled(warmLaunch);
    }

    public long warmPrepareMillis() {
        return scaled(warmPrepare);
    }

    public double timeCompression() {
        return timeCompression;
    }

    private long scaled(Duration d) {
        return Math.round(d.toMillis() / timeCompression);
    }

    @Override
    public String toString() {
        return "LaunchTimings{cold=" + coldLaunch.getSeconds() + "s, warm=" + warmLaunch.getSeconds() + "s, warmPrepare="
                + warmPrepare.getSeconds() + "s, compression=" + timeCompression + "}";
    }
}
