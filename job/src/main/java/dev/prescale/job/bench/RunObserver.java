package dev.prescale.job.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Samples a running MiniCluster job once a second: completed checkpoints from the REST API, the
 * JVM heap in use, the process's resident memory (heap plus RocksDB's native memory) and the size
 * of RocksDB's working directory.
 */
final class RunObserver implements AutoCloseable {

    /** One completed checkpoint as the REST API reports it. */
    record Checkpoint(long id, long stateSize, long checkpointedSize, long durationMillis) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String checkpointsUrl;
    private final Path rocksDir;
    private final Thread thread;
    private volatile boolean running = true;
    final Map<Long, Checkpoint> checkpoints = new TreeMap<>();
    long maxHeapUsed;
    long maxRss;
    long maxRocksDirBytes;
    /** When every task of the job was RUNNING (restored state loaded), and the records seen by then; 0 until then. */
    volatile long allRunningNanos;
    volatile long recordsWhenAllRunning;
    private final String jobUrl;

    RunObserver(int restPort, String jobId, Path rocksDir) {
        this.checkpointsUrl = "http://127.0.0.1:" + restPort + "/jobs/" + jobId + "/checkpoints";
        this.jobUrl = "http://127.0.0.1:" + restPort + "/jobs/" + jobId;
        this.rocksDir = rocksDir;
        this.thread = new Thread(this::loop, "bench-observer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        long lastSample = 0;
        while (running) {
            if (allRunningNanos == 0) {
                // A task is RUNNING once its state is restored: a prefilled savepoint takes a while.
                checkAllRunning();
            }
            if (System.nanoTime() - lastSample >= 1_000_000_000L) {
                sample();
                lastSample = System.nanoTime();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    synchronized void sample() {
        maxHeapUsed = Math.max(maxHeapUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        maxRss = Math.max(maxRss, rssBytes());
        if (rocksDir != null) {
            maxRocksDirBytes = Math.max(maxRocksDirBytes, dirBytes(rocksDir));
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(checkpointsUrl))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return;
            }
            for (JsonNode c : json.readTree(r.body()).path("history")) {
                if ("COMPLETED".equals(c.path("status").asText())) {
                    long id = c.path("id").asLong();
                    checkpoints.put(id, new Checkpoint(id, c.path("state_size").asLong(),
                            c.path("checkpointed_size").asLong(), c.path("end_to_end_duration").asLong()));
                }
            }
        } catch (IOException e) {
            // the job may not be up yet, or already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkAllRunning() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jobUrl))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return;
            }
            JsonNode vertices = json.readTree(r.body()).path("vertices");
            if (vertices.size() == 0) {
                return;
            }
            for (JsonNode v : vertices) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return;
                }
            }
            recordsWhenAllRunning = BenchRegistry.RECORDS.sum();
            allRunningNanos = System.nanoTime();
        } catch (IOException e) {
            // not up yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The completed checkpoint with the largest state. */
    synchronized Checkpoint largest() {
        return checkpoints.values().stream().max((a, b) -> Long.compare(a.stateSize(), b.stateSize())).orElse(null);
    }

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    static long dirBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // RocksDB deletes files while we walk
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
