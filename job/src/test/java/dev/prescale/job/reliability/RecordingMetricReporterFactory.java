package dev.prescale.job.reliability;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Creates {@link RecordingMetricReporter}s; listed in META-INF/services so Flink can find it by class name. */
public final class RecordingMetricReporterFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new RecordingMetricReporter();
    }
}
