package dev.prescale.connectors.kafka;

import dev.prescale.connectors.json.Json;
import java.nio.charset.StandardCharsets;
import javax.annotation.Nullable;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a record as JSON to a topic chosen per record, keyed by a field so that a key's records
 * stay in order on one partition.
 */
public class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final SerializableFunction<T, String> topic;
    private final SerializableFunction<T, String> key;

    public JsonRecordSerializer(SerializableFunction<T, String> topic, SerializableFunction<T, String> key) {
        this.topic = topic;
        this.key = key;
    }

    /** To one fixed topic. */
    public static <T> JsonRecordSerializer<T> toTopic(String topic, SerializableFunction<T, String> key) {
        return new JsonRecordSerializer<>(r -> topic, key);
    }

    @Nullable
    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(element);
        return new ProducerRecord<>(topic.apply(element), null, timestamp,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8), Json.writeBytes(element));
    }

}
