package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScheduledEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Adds the extra demand of known workloads (broadcast state of {@link ScheduledEvent}s by id) to
 * every forecast step of the event's group that overlaps the event's {@code [start, end)}. An event
 * with the id of an earlier one replaces it; events that ended long ago are dropped when a new one
 * arrives.
 */
public class ScheduledEventFunction extends KeyedBroadcastProcessFunction<String, GroupForecast, ScheduledEvent, GroupForecast> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, ScheduledEvent> EVENTS =
            new MapStateDescriptor<>("scheduled-events", Types.STRING, TypeInformation.of(ScheduledEvent.class));

    /** Events that ended this long before the newest event's start are forgotten. */
    static final long RETENTION_MILLIS = 7L * 86_400_000L;

    @Override
    public void processElement(GroupForecast f, ReadOnlyContext ctx, Collector<GroupForecast> out) throws Exception {
        ReadOnlyBroadcastState<String, ScheduledEvent> events = ctx.getBroadcastState(EVENTS);
        List<String> applied = new ArrayList<>();
        for (Map.Entry<String, ScheduledEvent> e : events.immutableEntries()) {
            ScheduledEvent ev = e.getValue();
            if (!f.group.equals(ev.group)) {
                continue;
            }
            boolean any = false;
            for (int i = 0; i < f.horizon(); i++) {
                long from = f.windowEnd + i * f.stepMillis;
                if (ev.overlaps(from, from + f.stepMillis)) {
                    any = true;
                    for (Map.Entry<ResourceType, Double> x : ev.extra.entrySet()) {
                        int r = x.getKey().ordinal();
                        f.p10[r][i] += x.getValue();
                        f.p50[r][i] += x.getValue();
                        f.p90[r][i] += x.getValue();
                    }
                }
            }
            if (any) {
                applied.add(ev.id);
            }
        }
        if (!applied.isEmpty()) {
            String n = "scheduled " + String.join(",", applied);
            f.note = f.note == null || f.note.isEmpty() ? n : f.note + "; " + n;
        }
        out.collect(f);
    }

    @Override
    public void processBroadcastElement(ScheduledEvent ev, Context ctx, Collector<GroupForecast> out) throws Exception {
        BroadcastState<String, ScheduledEvent> events = ctx.getBroadcastState(EVENTS);
        events.put(ev.id, ev);
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, ScheduledEvent> e : events.entries()) {
            if (e.getValue().end < ev.start - RETENTION_MILLIS) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            events.remove(id);
        }
    }
}
