package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceAssessment;
import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

/** The per-target gauges follow the latest decision and its capacity-setting resource. */
class TargetMetricsTest {

    private static ResourceAssessment assessment(double p50, double p90, int instances) {
        ResourceAssessment a = new ResourceAssessment();
        a.forecastP50 = p50;
        a.forecastP90 = p90;
        a.observed = p50 / 2;
        a.instances = instances;
        return a;
    }

    private static ScalingDecision decision(String target, int desired, int warm, String risk) {
        ScalingDecision d = new ScalingDecision();
        d.target = target;
        d.desiredCapacity = desired;
        d.warmPoolSize = warm;
        d.riskLevel = risk;
        d.confidence = 0.75;
        d.resources.put(ResourceType.CPU, assessment(4.0, 6.0, 5));
        d.resources.put(ResourceType.MEMORY, assessment(900.0, 1200.0, 7));
        return d;
    }

    @SuppressWarnings("unchecked")
    private static <T> T gauge(MetricListener m, String target, String name) {
        return ((Gauge<T>) m.getGauge("target", target, name).orElseThrow()).getValue();
    }

    @Test
    void gaugesShowTheLatestDecisionOfEachTarget() {
        MetricListener listener = new MetricListener();
        TargetMetrics metrics = new TargetMetrics(listener.getMetricGroup());
        metrics.update(decision("web", 7, 2, "HIGH"), 0.12);
        metrics.update(decision("api", 3, 1, "REACTIVE"), Double.NaN);
        metrics.update(decision("web", 9, 3, "LOW"), 0.2);

        assertThat((Integer) gauge(listener, "web", "desiredCapacity")).isEqualTo(9);
        assertThat((Integer) gauge(listener, "web", "warmPoolSize")).isEqualTo(3);
        assertThat((Integer) gauge(listener, "web", "riskLevel")).isEqualTo(1);
        assertThat((Double) gauge(listener, "web", "forecastError")).isEqualTo(0.2);
        assertThat((Double) gauge(listener, "web", "confidence")).isEqualTo(0.75);
        // Memory asks for the most instances, so its forecast is shown.
        assertThat((Double) gauge(listener, "web", "forecastP50")).isEqualTo(900.0);
        assertThat((Double) gauge(listener, "web", "forecastP90")).isEqualTo(1200.0);
        assertThat((Integer) gauge(listener, "api", "desiredCapacity")).isEqualTo(3);
        assertThat((Integer) gauge(listener, "api", "riskLevel")).isZero();
    }

    @Test
    void riskLevelsAreNumbered() {
        assertThat(TargetMetrics.riskLevel("HIGH")).isEqualTo(3);
        assertThat(TargetMetrics.riskLevel("MEDIUM")).isEqualTo(2);
        assertThat(TargetMetrics.riskLevel("LOW")).isEqualTo(1);
        assertThat(TargetMetrics.riskLevel("REACTIVE")).isZero();
        assertThat(TargetMetrics.riskLevel(null)).isEqualTo(-1);
    }
}
