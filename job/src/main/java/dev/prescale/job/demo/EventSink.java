package dev.prescale.job.demo;

/** Where produced records go: a Kafka topic in real runs, a list in tests. */
public interface EventSink extends AutoCloseable {

    /** Sends one record (value is JSON) keyed by {@code key}; may buffer. */
    void send(String topic, String key, String value);

    /** Blocks until every record sent so far is written. */
    void flush();

    @Override
    void close();
}
