package dev.prescale.job.bench;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Pre-loads a topic with synthetic interactions: {@code groups} groups active in each of
 * {@code windows} consecutive windows with {@code perGroup} events each, interleaved in event-time
 * order and spread round-robin over the partitions. Each group has 8 users (all of them seen when
 * perGroup >= 8), so groups pass k-anonymity with k <= min(8, perGroup).
 */
public final class InteractionLoad {
    /** Event time of the first window: 2026-01-01T00:00:00Z. */
    public static final long START_MILLIS = 1_767_225_600_000L;
    private static final String[] KINDS = {"API_CALL", "DATA_ACCESS", "UI"};

    final int groups;
    final int windows;
    final int perGroup;
    final long windowMillis;
    final int partitions;

    public InteractionLoad(int groups, int windows, int perGroup, long windowMillis, int partitions) {
        this.groups = groups;
        this.windows = windows;
        this.perGroup = perGroup;
        this.windowMillis = windowMillis;
        this.partitions = partitions;
    }

    long events() {
        return (long) groups * windows * perGroup;
    }

    String topic() {
        return "bench-interactions-g" + groups + "-w" + windows + "-e" + perGroup + "-p" + partitions;
    }

    /** The JSON payload of event j (0-based, in event-time order). */
    public String payload(long j) {
        long perWindow = (long) groups * perGroup;
        long window = j / perWindow;
        long inWindow = j % perWindow;
        long ts = START_MILLIS + window * windowMillis + inWindow * windowMillis / perWindow;
        long g = inWindow % groups;
        long round = inWindow / groups;
        StringBuilder sb = new StringBuilder(200);
        sb.append("{\"ts\":").append(ts)
                .append(",\"user\":\"u").append(g).append('-').append(round % 8)
                .append("\",\"group\":\"g").append(g)
                .append("\",\"kind\":\"").append(KINDS[(int) (j % 3)])
                .append("\",\"cpuMillis\":").append(5 + (j * 7) % 50)
                .append(",\"durationMs\":").append(20 + j % 40)
                .append(",\"memMb\":").append(64 + (g % 16) * 16)
                .append(",\"netBytes\":").append(1000 + j % 5000);
        if (j % 3 == 0) {
            sb.append(",\"bytesWritten\":512");
        }
        return sb.append('}').toString();
    }

    /** Creates and fills the topic unless it already holds exactly these events. */
    void ensureLoaded(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (names.contains(topic())) {
                long have = count(admin);
                if (have == events()) {
                    System.out.println("topic=" + topic() + " events=" + have + " (reused)");
                    return;
                }
                admin.deleteTopics(List.of(topic())).all().get(30, TimeUnit.SECONDS);
                Thread.sleep(2000);
            }
            admin.createTopics(List.of(new NewTopic(topic(), partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            long n = events();
            for (long j = 0; j < n; j++) {
                producer.send(new ProducerRecord<>(topic(), (int) (j % partitions), null,
                        payload(j).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        System.out.printf("topic=%s events=%d loaded in %.1f s%n", topic(), events(), (System.nanoTime() - start) / 1e9);
    }

    private long count(Admin admin) throws Exception {
        Map<String, TopicDescription> d = admin.describeTopics(List.of(topic())).allTopicNames().get(30, TimeUnit.SECONDS);
        Collection<TopicPartition> tps = d.get(topic()).partitions().stream()
                .map(i -> new TopicPartition(topic(), i.partition())).collect(Collectors.toList());
        Map<TopicPartition, OffsetSpec> latest = tps.stream().collect(Collectors.toMap(t -> t, t -> OffsetSpec.latest()));
        Map<TopicPartition, OffsetSpec> earliest = tps.stream().collect(Collectors.toMap(t -> t, t -> OffsetSpec.earliest()));
        long end = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        long begin = admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        return end - begin;
    }
}
