package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ResourceAssessment;
import dev.prescale.connectors.records.ScalingDecision;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Per scaling target, the latest decision as Flink gauges (web UI and REST API), under the metric
 * group {@code target.<name>}: forecast p50 and p90 and observed demand of the resource that set
 * the capacity, confidence, risk level (3 HIGH, 2 MEDIUM, 1 LOW, 0 REACTIVE), desired capacity,
 * warm-pool size and the recent relative forecast error. Gauges are registered on a target's first
 * decision in this subtask; a subtask only reports the targets it owns.
 */
public final class TargetMetrics {

    /** The latest values of one target; the gauges read them. */
    static final class Latest {
        volatile double forecastP50 = Double.NaN;
        volatile double forecastP90 = Double.NaN;
        volatile double observed = Double.NaN;
        volatile double confidence = Double.NaN;
        volatile int riskLevel = -1;
        volatile int desiredCapacity = -1;
        volatile int warmPoolSize = -1;
        volatile double forecastError = Double.NaN;
    }

    private final MetricGroup group;
    private final Map<String, Latest> targets = new HashMap<>();

    public TargetMetrics(MetricGroup group) {
        this.group = group;
    }

    /** Records a decision and the recent forecast error of the resource that set the capacity. */
    public void update(ScalingDecision d, double forecastError) {
        Latest l = targets.computeIfAbsent(d.target, this::register);
        ResourceAssessment driver = driver(d);
        if (driver != null) {
            l.forecastP50 = driver.forecastP50;
            l.forecastP90 = driver.forecastP90;
            l.observed = driver.observed;
        }
        l.confidence = d.confidence;
        l.riskLevel = riskLevel(d.riskLevel);
        l.desiredCapacity = d.desiredCapacity;
        l.warmPoolSize = d.warmPoolSize;
        l.forecastError = forecastError;
    }

    /** The numeric form of a risk level: 3 HIGH, 2 MEDIUM, 1 LOW, 0 REACTIVE, -1 unknown. */
    static int riskLevel(String risk) {
        if (risk == null) {
            return -1;
        }
        switch (risk) {
            case "HIGH":
                return 3;
            case "MEDIUM":
                return 2;
            case "LOW":
                return 1;
            case "REACTIVE":
                return 0;
            default:
                return -1;
        }
    }

    /** The resource asking for the most instances: the one that set the desired capacity. */
    static ResourceAssessment driver(ScalingDecision d) {
        ResourceAssessment best = null;
        for (ResourceAssessment a : d.resources.values()) {
            if (best == null || a.instances > best.instances) {
                best = a;
            }
        }
        return best;
    }

    private Latest register(String target) {
        Latest l = new Latest();
        MetricGroup g = group.addGroup("target", target);
        g.gauge("forecastP50", (Gauge<Double>) () -> l.forecastP50);
        g.gauge("forecastP90", (Gauge<Double>) () -> l.forecastP90);
        g.gauge("observedDemand", (Gauge<Double>) () -> l.observed);
        g.gauge("confidence", (Gauge<Double>) () -> l.confidence);
        g.gauge("riskLevel", (Gauge<Integer>) () -> l.riskLevel);
        g.gauge("desiredCapacity", (Gauge<Integer>) () -> l.desiredCapacity);
        g.gauge("warmPoolSize", (Gauge<Integer>) () -> l.warmPoolSize);
        g.gauge("forecastError", (Gauge<Double>) () -> l.forecastError);
        return l;
    }
}
