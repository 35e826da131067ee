package dev.prescale.job.io;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * One place a stream of the job goes to (a decision sink, the dead-letter sink): it attaches
 * itself, with its own uid, name, keying and parallelism.
 */
@FunctionalInterface
public interface StreamOutput<T> {

    void attach(DataStream<T> stream);

    /** A plain Flink sink with a stable uid and name. */
    static <T> StreamOutput<T> of(Sink<T> sink, String uid, String name) {
        return s -> s.sinkTo(sink).uid(uid).name(name);
    }

    /** A plain Flink sink that must run with parallelism 1 (one file, one writer). */
    static <T> StreamOutput<T> single(Sink<T> sink, String uid, String name) {
        return s -> s.sinkTo(sink).uid(uid).name(name).setParallelism(1);
    }
}
