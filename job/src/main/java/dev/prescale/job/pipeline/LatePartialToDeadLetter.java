package dev.prescale.job.pipeline;

import dev.prescale.connectors.json.Json;
import dev.prescale.connectors.records.DeadLetter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Pre-aggregated partials that reached their window later than the allowed lateness: by
 * construction of {@link LocalDemandPreAggregator} there are none, but if one ever comes it is
 * counted in {@code latePartials} and dead-lettered with its sums instead of vanishing. The payload
 * carries the distinct-user count, not the user hashes.
 */
public class LatePartialToDeadLetter extends RichMapFunction<PartialDemand, DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient Counter late;

    public LatePartialToDeadLetter(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().counter("latePartials");
    }

    @Override
    public DeadLetter map(PartialDemand p) {
        late.inc();
        DemandAccumulator s = p.sums;
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("group", p.group);
        payload.put("windowStart", p.windowStart);
        payload.put("cpuMillis", s.cpuMillis);
        payload.put("memMbMillis", s.memMbMillis);
        payload.put("netBytes", s.netBytes);
        payload.put("bytesWritten", s.bytesWritten);
        payload.put("apiCalls", s.apiCalls);
        payload.put("dataAccesses", s.dataAccesses);
        payload.put("uiEvents", s.uiEvents);
        payload.put("distinctUsers", s.users.size());
        return new DeadLetter(topic, Json.write(payload), "late: pre-aggregated sums of window starting " + p.windowStart
                + " reached the window behind the watermark by more than the allowed lateness", p.windowStart);
    }
}
