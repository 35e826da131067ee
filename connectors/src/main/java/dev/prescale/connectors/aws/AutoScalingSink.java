package dev.prescale.connectors.aws;

import dev.prescale.connectors.records.ScalingDecision;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

/**
 * Flink sink that applies {@link ScalingDecision}s to AWS EC2 Auto Scaling groups (SetDesiredCapacity,
 * PutWarmPool) through the SDK v2 async client, or only logs them in dry-run mode. Use
 * {@link #attach} so that all decisions for one group reach the same writer.
 */
public final class AutoScalingSink implements Sink<ScalingDecision>, SupportsWriterState<ScalingDecision, AutoScalingWriterState> {
    private static final long serialVersionUID = 1L;

    /** Stable operator id, so checkpoints of the sink survive job changes. */
    public static final String UID = "autoscaling-sink";

    private final AutoScalingSinkConfig config;
    private final AutoScalingClientProvider clientProvider;

    public AutoScalingSink(AutoScalingSinkConfig config) {
        this(config, new DefaultAutoScalingClientProvider());
    }

    public AutoScalingSink(AutoScalingSinkConfig config, AutoScalingClientProvider clientProvider) {
        this.config = config;
        this.clientProvider = clientProvider;
    }

    public AutoScalingSinkConfig config() {
        return config;
    }

    /**
     * Keys the decisions by group (the sink's order and staleness checks are per group, so one group
     * must always reach the same writer) and sinks them here with a stable uid and name.
     */
    public DataStreamSink<ScalingDecision> attach(DataStream<ScalingDecision> decisions) {
        return decisions
                .keyBy(d -> d.target)
                .sinkTo(this)
                .uid(UID)
                .name("AWS Auto Scaling (" + config.mode().configName() + ")");
    }

    @Override
    public SinkWriter<ScalingDecision> createWriter(WriterInitContext context) throws IOException {
        return new AutoScalingSinkWriter(context, config, clientProvider, List.of());
    }

    @Override
    public StatefulSinkWriter<ScalingDecision, AutoScalingWriterState> restoreWriter(
            WriterInitContext context, Collection<AutoScalingWriterState> recoveredState) throws IOException {
        return new AutoScalingSinkWriter(context, config, clientProvider, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<AutoScalingWriterState> getWriterStateSerializer() {
        return new AutoScalingWriterStateSerializer();
    }
}
