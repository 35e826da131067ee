package dev.prescale.connectors.aws;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the Auto Scaling sink needs to know, serializable so it travels with the job graph.
 * Credentials are deliberately absent: the SDK default provider chain finds them on the task
 * manager (environment, profile, instance or container role), and they are never logged.
 */
public final class AutoScalingSinkConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final SinkMode DEFAULT_MODE = SinkMode.DRY_RUN;
    public static final String DEFAULT_REGION = "us-east-1";
    public static final boolean DEFAULT_WARM_POOL_ENABLED = true;
    /** Stopped instances cost storage only: about a tenth of a running one (EVALUATION.md). */
    public static final String DEFAULT_WARM_POOL_STATE = "Stopped";
    public static final boolean DEFAULT_REUSE_ON_SCALE_IN = false;
    public static final Duration DEFAULT_RETRY_BASE_DELAY = Duration.ofMillis(200);
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    /** AWS documents Auto Scaling API rate limits per account and region; stay well below them. */
    public static final double DEFAULT_REQUESTS_PER_SECOND = 5.0;
    public static final int DEFAULT_RATE_BURST = 10;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private final SinkMode mode;
    private final String region;
    private final String endpointOverride;
    private final boolean warmPoolEnabled;
    private final String warmPoolState;
    private final boolean reuseOnScaleIn;
    private final long retryBaseDelayMillis;
    private final long retryMaxDelayMillis;
    private final long apiCallAttemptTimeoutMillis;
    private final double requestsPerSecond;
    private final int rateBurst;
    private final long drainTimeoutMillis;

    private AutoScalingSinkConfig(Builder b) {
        this.mode = Objects.requireNonNull(b.mode, "mode");
        this.region = Objects.requireNonNull(b.region, "region");
        this.endpointOverride = b.endpointOverride;
        this.warmPoolEnabled = b.warmPoolEnabled;
        this.warmPoolState = b.warmPoolState;
        this.reuseOnScaleIn = b.reuseOnScaleIn;
        this.retryBaseDelayMillis = b.retryBaseDelay.toMillis();
        this.retryMaxDelayMillis = b.retryMaxDelay.toMillis();
        this.apiCallAttemptTimeoutMillis = b.apiCallAttemptTimeout.toMillis();
        this.requestsPerSecond = b.requestsPerSecond;
        this.rateBurst = b.rateBurst;
        this.drainTimeoutMillis = b.drainTimeout.toMillis();
        if (endpointOverride != null) {
            URI uri = URI.create(endpointOverride);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("endpointOverride must be an absolute URL, got " + endpointOverride);
            }
        }
        if (!("Stopped".equals(warmPoolState) || "Running".equals(warmPoolState) || "Hibernated".equals(warmPoolState))) {
            throw new IllegalArgumentException("warmPoolState must be Stopped, Running or Hibernated, got " + warmPoolState);
        }
        if (retryBaseDelayMillis <= 0 || retryMaxDelayMillis < retryBaseDelayMillis) {
            throw new IllegalArgumentException("need 0 < retryBaseDelay <= retryMaxDelay");
        }
        if (apiCallAttemptTimeoutMillis <= 0) {
            throw new IllegalArgumentException("apiCallAttemptTimeout must be positive");
        }
        if (!(requestsPerSecond > 0) || rateBurst < 1) {
            throw new IllegalArgumentException("need requestsPerSecond > 0 and rateBurst >= 1");
        }
        if (drainTimeoutMillis < 0) {
            throw new IllegalArgumentException("drainTimeout must not be negative");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .mode(mode)
                .region(region)
                .endpointOverride(endpointOverride)
                .warmPoolEnabled(warmPoolEnabled)
                .warmPoolState(warmPoolState)
                .reuseOnScaleIn(reuseOnScaleIn)
                .retryBaseDelay(Duration.ofMillis(retryBaseDelayMillis))
                .retryMaxDelay(Duration.ofMillis(retryMaxDelayMillis))
                .apiCallAttemptTimeout(Duration.ofMillis(apiCallAttemptTimeoutMillis))
                .requestsPerSecond(requestsPerSecond)
                .rateBurst(rateBurst)
                .drainTimeout(Duration.ofMillis(drainTimeoutMillis));
    }

    public SinkMode mode() {
        return mode;
    }

    public String region() {
        return region;
    }

    /** The endpoint URL to use instead of AWS's (the local endpoint), or {@code null}. */
    public String endpointOverride() {
        return endpointOverride;
    }

    /** Whether the sink manages warm pools at all (PutWarmPool); when false only capacity is set. */
    public boolean warmPoolEnabled() {
        return warmPoolEnabled;
    }

    /** {@code PoolState} for PutWarmPool: Stopped, Running or Hibernated. */
    public String warmPoolState() {
        return warmPoolState;
    }

    /** {@code InstanceReusePolicy.ReuseOnScaleIn} for PutWarmPool. */
    public boolean reuseOnScaleIn() {
        return reuseOnScaleIn;
    }

    public Duration retryBaseDelay() {
        return Duration.ofMillis(retryBaseDelayMillis);
    }

    public Duration retryMaxDelay() {
        return Duration.ofMillis(retryMaxDelayMillis);
    }

    /** Timeout of one HTTP attempt; a timed-out attempt is retried by the sink, not by the SDK. */
    public Duration apiCallAttemptTimeout() {
        return Duration.ofMillis(apiCallAttemptTimeoutMillis);
    }

    /** The account-wide API rate, split evenly over the sink's parallel writers. */
    public double requestsPerSecond() {
        return requestsPerSecond;
    }

    public int rateBurst() {
        return rateBurst;
    }

    /** How long the end of a bounded input waits for pending decisions before giving up on them. */
    public Duration drainTimeout() {
        return Duration.ofMillis(drainTimeoutMillis);
    }

    @Override
    public String toString() {
        return "AutoScalingSinkConfig{mode=" + mode.configName() + ", region=" + region
                + ", endpointOverride=" + endpointOverride + ", warmPoolEnabled=" + warmPoolEnabled
                + ", warmPoolState=" + warmPoolState + ", reuseOnScaleIn=" + reuseOnScaleIn
                + ", retryBaseDelayMs=" + retryBaseDelayMillis + ", retryMaxDelayMs=" + retryMaxDelayMillis
                + ", apiCallAttemptTimeoutMs=" + apiCallAttemptTimeoutMillis
                + ", requestsPerSecond=" + requestsPerSecond + ", rateBurst=" + rateBurst
                + ", drainTimeoutMs=" + drainTimeoutMillis + "}";
    }

    /** Builder starting from the named defaults. */
    public static final class Builder {
        private SinkMode mode = DEFAULT_MODE;
        private String region = DEFAULT_REGION;
        private String endpointOverride;
        private boolean warmPoolEnabled = DEFAULT_WARM_POOL_ENABLED;
        private String warmPoolState = DEFAULT_WARM_POOL_STATE;
        private boolean reuseOnScaleIn = DEFAULT_REUSE_ON_SCALE_IN;
        private Duration retryBaseDelay = DEFAULT_RETRY_BASE_DELAY;
        private Duration retryMaxDelay = DEFAULT_RETRY_MAX_DELAY;
        private Duration apiCallAttemptTimeout = DEFAULT_API_CALL_ATTEMPT_TIMEOUT;
        private double requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;
        private int rateBurst = DEFAULT_RATE_BURST;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;

        private Builder() {}

        public Builder mode(SinkMode mode) {
            this.mode = mode;
            return this;
        }

        public Builder mode(String mode) {
            this.mode = SinkMode.parse(mode);
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder endpointOverride(String endpointOverride) {
            this.endpointOverride = endpointOverride == null || endpointOverride.isBlank() ? null : endpointOverride.trim();
            return this;
        }

        public Builder warmPoolEnabled(boolean warmPoolEnabled) {
            this.warmPoolEnabled = warmPoolEnabled;
            return this;
        }

        public Builder warmPoolState(String warmPoolState) {
            this.warmPoolState = warmPoolState;
            return this;
        }

        public Builder reuseOnScaleIn(boolean reuseOnScaleIn) {
            this.reuseOnScaleIn = reuseOnScaleIn;
            return this;
        }

        public Builder retryBaseDelay(Duration retryBaseDelay) {
            this.retryBaseDelay = Objects.requireNonNull(retryBaseDelay);
            return this;
        }

        public Builder retryMaxDelay(Duration retryMaxDelay) {
            this.retryMaxDelay = Objects.requireNonNull(retryMaxDelay);
            return this;
        }

        public Builder apiCallAttemptTimeout(Duration apiCallAttemptTimeout) {
            this.apiCallAttemptTimeout = Objects.requireNonNull(apiCallAttemptTimeout);
            return this;
        }

        public Builder requestsPerSecond(double requestsPerSecond) {
            this.requestsPerSecond = requestsPerSecond;
            return this;
        }

        public Builder rateBurst(int rateBurst) {
            this.rateBurst = rateBurst;
            return this;
        }

        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = Objects.requireNonNull(drainTimeout);
            return this;
        }

        public AutoScalingSinkConfig build() {
            return new AutoScalingSinkConfig(this);
        }
    }
}
