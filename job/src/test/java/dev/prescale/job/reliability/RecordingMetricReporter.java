package dev.prescale.job.reliability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/**
 * Test metric reporter (configured with {@code metrics.reporter.<name>.factory.class =}
 * {@link RecordingMetricReporterFactory}): records the full identifier and the scope variables of
 * every metric the cluster registers, and keeps the gauges so their values can be read later.
 */
public final class RecordingMetricReporter implements MetricReporter {

    /** One registered metric: its identifier, its scope variables, and the gauge if it is one. */
    public record Registered(String identifier, Map<String, String> variables, Gauge<?> gauge) {}

    private static final List<Registered> REGISTERED = new CopyOnWriteArrayList<>();

    /** Everything registered so far by any instance in this JVM. */
    public static List<Registered> registered() {
        return List.copyOf(REGISTERED);
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        REGISTERED.add(new Registered(group.getMetricIdentifier(metricName), Map.copyOf(group.getAllVariables()),
                metric instanceof Gauge ? (Gauge<?>) metric : null));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // Kept on purpose: a name that was ever registered counts for the scan.
    }
}
