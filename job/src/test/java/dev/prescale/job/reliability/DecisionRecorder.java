package dev.prescale.job.reliability;

import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.io.StreamOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Test decision output for a MiniCluster in this JVM: records every decision the job emits, with
 * the wall-clock time it reached the sink, in a named static list (uncommitted, unlike Kafka).
 */
final class DecisionRecorder implements Sink<ScalingDecision> {
    private static final long serialVersionUID = 1L;

    /** One decision and when the recorder saw it. */
    static final class Seen {
        final ScalingDecision decision;
        final long atMillis;

        Seen(ScalingDecision decision, long atMillis) {
            this.decision = decision;
            this.atMillis = atMillis;
        }
    }

    private static final Map<String, ConcurrentLinkedQueue<Seen>> RECORDED = new ConcurrentHashMap<>();

    private final String name;

    private DecisionRecorder(String name) {
        this.name = name;
    }

    /** A decision output that records under {@code name} (cleared now). */
    static StreamOutput<ScalingDecision> output(String name) {
        RECORDED.put(name, new ConcurrentLinkedQueue<>());
        return s -> s.sinkTo(new DecisionRecorder(name)).uid("test-decision-recorder").name("test decision recorder");
    }

    /** What was recorded under {@code name} so far, in arrival order. */
    static List<Seen> recorded(String name) {
        return new ArrayList<>(RECORDED.getOrDefault(name, new ConcurrentLinkedQueue<>()));
    }

    @Override
    public SinkWriter<ScalingDecision> createWriter(WriterInitContext context) {
        ConcurrentLinkedQueue<Seen> into = RECORDED.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(ScalingDecision d, Context ctx) {
                into.add(new Seen(d, System.currentTimeMillis()));
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
