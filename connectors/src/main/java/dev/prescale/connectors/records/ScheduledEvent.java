package dev.prescale.connectors.records;

import java.util.EnumMap;
import java.util.Map;

/**
 * A known workload from the {@code scheduled-events} topic: extra demand for a group over
 * {@code [start, end)} (epoch ms), added on top of the forecast.
 */
public class ScheduledEvent {
    public String id;
    public String group;
    public long start;
    public long end;
    /** Extra demand per resource, in the resource's demand unit (cores, MB, bytes, bytes/s). */
    public Map<ResourceType, Double> extra = new EnumMap<>(ResourceType.class);

    public ScheduledEvent() {}

    public ScheduledEvent(String id, String group, long start, long end, Map<ResourceType, Double> extra) {
        this.id = id;
        this.group = group;
        this.start = start;
        this.end = end;
        this.extra = new EnumMap<>(ResourceType.class);
        this.extra.putAll(extra);
    }

    /** Whether the interval {@code [from, to)} overlaps the event. */
    public boolean overlaps(long from, long to) {
        return from < end && to > start;
    }

    @Override
    public String toString() {
        return "ScheduledEvent{id=" + id + ", group=" + group + ", start=" + start + ", end=" + end + ", extra=" + extra + "}";
    }
}
