package dev.prescale.job.scaling;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.config.ConfigException;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scaling policy of a target: limits, cooldowns, launch leads, the warm pool, the reactive
 * fallback, and one {@link ResourcePolicy} per resource type. Bound from the {@code scaling:}
 * section of the job's YAML configuration; every field has a default.
 */
public class ScalingPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String MODE_PREDICTIVE = "predictive";
    public static final String MODE_REACTIVE = "reactive";
    public static final int DEFAULT_MIN_CAPACITY = 1;
    public static final int DEFAULT_MAX_CAPACITY = 100;
    public static final int DEFAULT_MAX_STEP_UP = 50;
    public static final int DEFAULT_MAX_STEP_DOWN = 50;
    public static final long DEFAULT_SCALE_IN_COOLDOWN_SECONDS = 0;
    public static final long DEFAULT_STABILIZATION_WINDOW_SECONDS = 900;
    public static final long DEFAULT_COLD_LAUNCH_LEAD_SECONDS = 600;
    public static final long DEFAULT_WARM_LAUNCH_LEAD_SECONDS = 120;
    public static final long DEFAULT_WARM_POOL_PREPARE_LEAD_SECONDS = 600;
    public static final boolean DEFAULT_WARM_POOL_ENABLED = true;
    public static final double DEFAULT_WARM_POOL_MIN_FRACTION = 0.1;
    public static final double DEFAULT_WARM_POOL_MAX_FRACTION = 0.3;
    public static final double DEFAULT_REACTIVE_TARGET_UTILIZATION = 0.7;
    public static final boolean DEFAULT_WARM_POOL_COVERS_COLD_LEAD = true;

    /** {@code predictive} (forecast-driven, reactive fallback) or {@code reactive} (target tracking only). */
    @JsonProperty public String mode = MODE_PREDICTIVE;
    /** Lowest desired capacity, instances. */
    @JsonProperty public int minCapacity = DEFAULT_MIN_CAPACITY;
    /** Highest desired capacity, instances. */
    @JsonProperty public int maxCapacity = DEFAULT_MAX_CAPACITY;
    /** Most instances one decision may add. */
    @JsonProperty public int maxStepUp = DEFAULT_MAX_STEP_UP;
    /** Most instances one decision may remove. */
    @JsonProperty public int maxStepDown = DEFAULT_MAX_STEP_DOWN;
    /** After a scale-in, no further scale-in for this long (seconds; 0 = none). */
    @JsonProperty public long scaleInCooldownSeconds = DEFAULT_SCALE_IN_COOLDOWN_SECONDS;
    /** Scale in only to the largest recommendation of this recent window (seconds). */
    @JsonProperty public long stabilizationWindowSeconds = DEFAULT_STABILIZATION_WINDOW_SECONDS;
    /** Seconds from asking for a cold instance until it is in service. */
    @JsonProperty public long coldLaunchLeadSeconds = DEFAULT_COLD_LAUNCH_LEAD_SECONDS;
    /** Seconds from taking an instance out of the warm pool until it is in service. */
    @JsonProperty public long warmLaunchLeadSeconds = DEFAULT_WARM_LAUNCH_LEAD_SECONDS;
    /** Seconds until a new warm-pool instance is ready in the pool. */
    @JsonProperty public long warmPoolPrepareLeadSeconds = DEFAULT_WARM_POOL_PREPARE_LEAD_SECONDS;
    /** Whether a warm pool is kept at all. */
    @JsonProperty public boolean warmPoolEnabled = DEFAULT_WARM_POOL_ENABLED;
    /** Smallest warm pool as a fraction of the desired capacity (rounded up). */
    @JsonProperty public double warmPoolMinFraction = DEFAULT_WARM_POOL_MIN_FRACTION;
    /** Largest warm pool as a fraction of the desired capacity (rounded up). */
    @JsonProperty public double warmPoolMaxFraction = DEFAULT_WARM_POOL_MAX_FRACTION;
    /**
     * With a warm pool: the desired capacity covers the forecast only until a warm launch would be
     * in service, and the warm pool covers the rest of the cold lead (cheaper than running early).
     */
    @JsonProperty public boolean warmPoolCoversColdLead = DEFAULT_WARM_POOL_COVERS_COLD_LEAD;
    /** Target utilization of the reactive fallback and of {@code mode: reactive}. */
    @JsonProperty public double reactiveTargetUtilization = DEFAULT_REACTIVE_TARGET_UTILIZATION;

    /** Per resource type; a type without an entry is not scaled on. Keys in YAML: cpu, memory, storage, network. */
    @JsonIgnore public Map<ResourceType, ResourcePolicy> resources = defaultResources();

    public ScalingPolicy() {}

    /** The default resources: CPU only, one core per instance. */
    public static Map<ResourceType, ResourcePolicy> defaultResources() {
        Map<ResourceType, ResourcePolicy> m = new EnumMap<>(ResourceType.class);
        m.put(ResourceType.CPU, new ResourcePolicy());
        return m;
    }

    /** Binds {@code resources} from YAML/JSON keys such as {@code cpu} (case-insensitive). */
    @JsonProperty("resources")
    public void setResourcesByName(Map<String, ResourcePolicy> byName) {
        Map<ResourceType, ResourcePolicy> m = new EnumMap<>(ResourceType.class);
        if (byName != null) {
            for (Map.Entry<String, ResourcePolicy> e : byName.entrySet()) {
                ResourceType type;
                try {
                    type = ResourceType.fromJsonName(e.getKey());
                } catch (IllegalArgumentException ex) {
                    throw new ConfigException("scaling.resources." + e.getKey(), e.getKey(), "one of cpu, memory, storage, network");
                }
                m.put(type, e.getValue() == null ? new ResourcePolicy() : e.getValue());
            }
        }
        this.resources = m;
    }

    /** {@code resources} with JSON names as keys. */
    @JsonProperty("resources")
    public Map<String, ResourcePolicy> getResourcesByName() {
        Map<String, ResourcePolicy> m = new LinkedHashMap<>();
        if (resources != null) {
            resources.forEach((k, v) -> m.put(k.jsonName(), v));
        }
        return m;
    }

    /** True when the proactive engine is switched off. */
    @JsonIgnore
    public boolean isReactive() {
        return MODE_REACTIVE.equals(mode);
    }

    /** Steps of length {@code stepMillis} that a lead of {@code seconds} takes: ceil(seconds / step). */
    public static int leadSteps(long seconds, long stepMillis) {
        return (int) Math.max(0, -Math.floorDiv(-seconds * 1000L, stepMillis));
    }

    /** Throws a {@link ConfigException} naming the first wrong key under {@code keyPrefix} (e.g. {@code scaling}). */
    public void validate(String keyPrefix) {
        if (!MODE_PREDICTIVE.equals(mode) && !MODE_REACTIVE.equals(mode)) {
            throw new ConfigException(keyPrefix + ".mode", mode, "predictive or reactive");
        }
        if (minCapacity < 0) {
            throw new ConfigException(keyPrefix + ".minCapacity", minCapacity, "an integer >= 0");
        }
        if (maxCapacity < Math.max(1, minCapacity)) {
            throw new ConfigException(keyPrefix + ".maxCapacity", maxCapacity, "an integer >= max(1, minCapacity " + minCapacity + ")");
        }
        if (maxStepUp < 1) {
            throw new ConfigException(keyPrefix + ".maxStepUp", maxStepUp, "an integer >= 1");
        }
        if (maxStepDown < 1) {
            throw new ConfigException(keyPrefix + ".maxStepDown", maxStepDown, "an integer >= 1");
        }
        nonNegative(keyPrefix + ".scaleInCooldownSeconds", scaleInCooldownSeconds);
        nonNegative(keyPrefix + ".stabilizationWindowSeconds", stabilizationWindowSeconds);
        nonNegative(keyPrefix + ".coldLaunchLeadSeconds", coldLaunchLeadSeconds);
        nonNegative(keyPrefix + ".warmLaunchLeadSeconds", warmLaunchLeadSeconds);
        nonNegative(keyPrefix + ".warmPoolPrepareLeadSeconds", warmPoolPrepareLeadSeconds);
        if (warmLaunchLeadSeconds > coldLaunchLeadSeconds) {
            throw new ConfigException(keyPrefix + ".warmLaunchLeadSeconds", warmLaunchLeadSeconds,
                    "<= coldLaunchLeadSeconds " + coldLaunchLeadSeconds);
        }
        if (!(warmPoolMinFraction >= 0) || warmPoolMinFraction > 10) {
            throw new ConfigException(keyPrefix + ".warmPoolMinFraction", warmPoolMinFraction, "a number in [0, 10]");
        }
        if (!(warmPoolMaxFraction >= warmPoolMinFraction) || warmPoolMaxFraction > 10) {
            throw new ConfigException(keyPrefix + ".warmPoolMaxFraction", warmPoolMaxFraction,
                    "a number in [warmPoolMinFraction " + warmPoolMinFraction + ", 10]");
        }
        if (!(reactiveTargetUtilization > 0 && reactiveTargetUtilization <= 1)) {
            throw new ConfigException(keyPrefix + ".reactiveTargetUtilization", reactiveTargetUtilization, "a number in (0, 1]");
        }
        if (resources == null || resources.isEmpty()) {
            throw new ConfigException(keyPrefix + ".resources", resources, "at least one of cpu, memory, storage, network");
        }
        for (Map.Entry<ResourceType, ResourcePolicy> e : resources.entrySet()) {
            String key = keyPrefix + ".resources." + e.getKey().jsonName();
            if (e.getValue() == null) {
                throw new ConfigException(key, null, "a resource policy");
            }
            e.getValue().validate(key);
        }
    }

    private static void nonNegative(String key, long v) {
        if (v < 0) {
            throw new ConfigException(key, v, "seconds >= 0");
        }
    }
}
