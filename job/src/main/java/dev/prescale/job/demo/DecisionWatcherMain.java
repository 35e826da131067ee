package dev.prescale.job.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code scaling-decisions} and prints one line per decision with the forecast, confidence,
 * decision and (with {@code --endpoint}) the group's capacity from the Auto Scaling API.
 *
 * <pre>
 * DecisionWatcherMain [--bootstrap 127.0.0.1:9092] [--topic scaling-decisions] [--endpoint URL]
 *                     [--region us-east-1] [--duration SECONDS] [--min-decisions N]
 * </pre>
 * With {@code --min-decisions N} it ends (exit 0) once N decisions were read, and exits 3 if the
 * duration ends first: a script can use it to wait for the job's output.
 */
public final class DecisionWatcherMain {

    private DecisionWatcherMain() {}

    public static void main(String[] args) {
        String bootstrap = "127.0.0.1:9092";
        String topic = "scaling-decisions";
        String endpoint = null;
        String region = "us-east-1";
        long durationSeconds = 0;
        long minDecisions = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = args[i + 1];
                case "--topic" -> topic = args[i + 1];
                case "--endpoint" -> endpoint = args[i + 1];
                case "--region" -> region = args[i + 1];
                case "--duration" -> durationSeconds = Long.parseLong(args[i + 1]);
                case "--min-decisions" -> minDecisions = Long.parseLong(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "prescale-demo-watch-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The job writes decisions exactly once: read only committed transactions.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long deadline = durationSeconds > 0 ? System.currentTimeMillis() + durationSeconds * 1000 : Long.MAX_VALUE;
        long count = 0;
        Set<String> targets = new TreeSet<>();
        Thread main = Thread.currentThread();
        final boolean[] stop = {false};
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop[0] = true;
            try {
                main.join(3_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
             CapacityLookup capacity = endpoint == null ? CapacityLookup.none() : new EndpointCapacityLookup(endpoint, region)) {
            consumer.subscribe(List.of(topic));
            while (!stop[0] && System.currentTimeMillis() < deadline && (minDecisions == 0 || count < minDecisions)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    count++;
                    JsonNode d;
                    try {
                        d = Json.mapper().readTree(r.value());
                    } catch (Exception e) {
                        System.out.println("[decision] (unreadable) " + r.value());
                        continue;
                    }
                    String target = d.path("target").asText();
                    targets.add(target);
                    Optional<GroupCapacity> now = capacity.lookup(target);
                    System.out.println("[decision] " + DecisionLine.format(d, now));
                }
                System.out.flush();
            }
        }
        System.err.printf(Locale.ROOT, "[watch] %d decision(s) for %d target(s) %s%n", count, targets.size(), targets);
        if (minDecisions > 0 && count < minDecisions) {
            System.exit(3);
        }
    }
}
