package dev.prescale.job.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (combined broker and controller, KRaft) inside the test JVM, with
 * the job's topics created, for the {@code *ITCase}s. Replication factors are 1, or consumer groups
 * and transactions never form on one broker (DESIGN.md).
 */
public final class InJvmKafka {

    /** Every topic the job reads or writes, one partition each. */
    public static final List<String> TOPICS = List.of("interactions", "interactions-dlq", "scheduled-events",
            "scheduled-events-dlq", "utilization", "utilization-dlq", "scaling-decisions");

    private InJvmKafka() {}

    /** Starts a broker and creates {@link #TOPICS}; the caller closes it. */
    public static KafkaClusterTestKit start() throws Exception {
        KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                // Tests send event times of past years: with the records' own timestamps the
                // broker's first retention check deleted a run's first decisions.
                .setConfigProp("log.message.timestamp.type", "LogAppendTime")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : TOPICS) {
                topics.add(new NewTopic(t, 1, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
        return kafka;
    }

    /**
     * The JSON records of a topic from the beginning, committed ones only (the job's outputs are
     * exactly-once), until {@code done} holds or {@code max} has passed.
     */
    public static List<JsonNode> pollJson(KafkaClusterTestKit kafka, String topic, Predicate<List<JsonNode>> done,
            Duration max) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "reader-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            return collectJson(c, done, max);
        }
    }

    /**
     * As {@link #pollJson}, for a topic of one partition that exists already: the partition is
     * assigned, not subscribed to, so no consumer-group join (seconds) comes before the first records.
     */
    public static List<JsonNode> pollJsonAssigned(KafkaClusterTestKit kafka, String topic,
            Predicate<List<JsonNode>> done, Duration max) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            return collectJson(c, done, max);
        }
    }

    private static List<JsonNode> collectJson(KafkaConsumer<String, String> c, Predicate<List<JsonNode>> done,
            Duration max) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + max.toMillis();
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                try {
                    out.add(Json.mapper().readTree(r.value()));
                } catch (Exception e) {
                    throw new AssertionError("output is not JSON: " + r.value(), e);
                }
            }
            if (done.test(out)) {
                break;
            }
        }
        return out;
    }
}
