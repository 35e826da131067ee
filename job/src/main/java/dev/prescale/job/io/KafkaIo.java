package dev.prescale.job.io;

import dev.prescale.connectors.kafka.JsonRecordSerializer;
import dev.prescale.connectors.kafka.KafkaTopics;
import dev.prescale.connectors.kafka.PayloadDeserializationSchema;
import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.pipeline.InteractionEventTime;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources and exactly-once sinks of the job, from the configuration. */
public final class KafkaIo {

    private KafkaIo() {}

    /** All three input topics and the model-updates control topic as raw payloads. */
    public static Sources sources(StreamExecutionEnvironment env, PrescaleConfig c) {
        return Sources.ofPayloads(
                interactionPayloads(env, c),
                payloads(env, c, c.kafka.scheduledEventsTopic),
                payloads(env, c, c.kafka.utilizationTopic))
                .withModelUpdates(controlPayloads(env, c, c.kafka.modelUpdatesTopic))
                .withInteractionEventTimeAssigned();
    }

    /**
     * The interactions topic's values, validated in the source and stamped with a valid record's ts
     * (see {@link InteractionEventTime#forPayloads}): the source generates watermarks per partition
     * and merges them, so that one reader catching up a backlog over several partitions does not make
     * the partition it reads behind late.
     */
    public static DataStream<String> interactionPayloads(StreamExecutionEnvironment env, PrescaleConfig c) {
        String topic = c.kafka.interactionsTopic;
        return env.fromSource(kafkaSource(c, topic), InteractionEventTime.forPayloads(c), "kafka: " + topic)
                .uid("source-" + topic);
    }

    /**
     * A control topic's values, subscribed by pattern: the topic need not exist when the job starts
     * (a model-updates topic appears with the first announcement) and is found by partition
     * discovery (every minute unless {@code partition.discovery.interval.ms} says otherwise).
     */
    public static DataStream<String> controlPayloads(StreamExecutionEnvironment env, PrescaleConfig c, String topic) {
        Properties props = new Properties();
        props.putAll(c.kafka.properties);
        props.putIfAbsent("isolation.level", "read_committed");
        props.putIfAbsent("partition.discovery.interval.ms", "60000");
        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(c.kafka.bootstrapServers)
                .setTopicPattern(Pattern.compile(Pattern.quote(topic)))
                .setGroupId(c.kafka.groupId)
                // Every announcement since the start: the last one is the model to use.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new PayloadDeserializationSchema())
                .setProperties(props)
                .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka: " + topic).uid("source-" + topic);
    }

    /** One topic's values as strings, without event time (the job places them after validation). */
    public static DataStream<String> payloads(StreamExecutionEnvironment env, PrescaleConfig c, String topic) {
        return env.fromSource(kafkaSource(c, topic), WatermarkStrategy.noWatermarks(), "kafka: " + topic).uid("source-" + topic);
    }

    private static KafkaSource<String> kafkaSource(PrescaleConfig c, String topic) {
        OffsetResetStrategy reset = "latest".equals(c.kafka.startingOffsets) ? OffsetResetStrategy.LATEST : OffsetResetStrategy.EARLIEST;
        Properties props = new Properties();
        props.putAll(c.kafka.properties);
        // Only what the producers committed: our own exactly-once outputs are read back this way too.
        props.putIfAbsent("isolation.level", "read_committed");
        return KafkaSource.<String>builder()
                .setBootstrapServers(c.kafka.bootstrapServers)
                .setTopics(topic)
                .setGroupId(c.kafka.groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(reset))
                .setDeserializer(new PayloadDeserializationSchema())
                .setProperties(props)
                .build();
    }

    /** Decisions as JSON on the decisions topic, keyed by target, exactly once. */
    public static StreamOutput<ScalingDecision> decisionSink(PrescaleConfig c) {
        KafkaSink<ScalingDecision> sink = KafkaSink.<ScalingDecision>builder()
                .setBootstrapServers(c.kafka.bootstrapServers)
                .setKafkaProducerConfig(producerProperties(c))
                .setRecordSerializer(JsonRecordSerializer.<ScalingDecision>toTopic(c.kafka.decisionsTopic, d -> d.target))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(c.kafka.transactionalIdPrefix + "-decisions")
                .build();
        return StreamOutput.of(sink, "sink-decisions-kafka", "kafka: " + c.kafka.decisionsTopic);
    }

    /** Dead letters as JSON on {@code <source topic>-dlq}, exactly once. */
    public static StreamOutput<DeadLetter> deadLetterSink(PrescaleConfig c) {
        KafkaSink<DeadLetter> sink = KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(c.kafka.bootstrapServers)
                .setKafkaProducerConfig(producerProperties(c))
                .setRecordSerializer(new JsonRecordSerializer<DeadLetter>(
                        d -> KafkaTopics.deadLetterTopic(d.sourceTopic), d -> null))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(c.kafka.transactionalIdPrefix + "-dlq")
                .build();
        return StreamOutput.of(sink, "sink-dead-letters-kafka", "kafka: dead letters");
    }

    private static Properties producerProperties(PrescaleConfig c) {
        Properties props = new Properties();
        props.putAll(c.kafka.properties);
        props.remove("isolation.level");
        // Transactions must outlive a checkpoint interval plus recovery; 15 min is the broker's default cap.
        props.putIfAbsent("transaction.timeout.ms", "900000");
        return props;
    }
}
