package dev.prescale.connectors.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.json.JsonFields.Invalid;
import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScheduledEvent;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Map;

/** Turns one {@code scheduled-events} payload into a {@link ScheduledEvent} or a dead letter. */
public final class ScheduledEventValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Extra demand above this (in any unit) is a bug upstream. */
    public static final double MAX_EXTRA = 1e15;

    private final String topic;

    public ScheduledEventValidator(String topic) {
        this.topic = topic;
    }

    public Validated<ScheduledEvent> validate(String payload, long nowMillis) {
        try {
            JsonNode root = JsonFields.parseObject(payload);
            ScheduledEvent e = new ScheduledEvent();
            e.id = JsonFields.requiredText(root, "id", InteractionValidator.MAX_TEXT);
            e.group = JsonFields.requiredText(root, "group", InteractionValidator.MAX_TEXT);
            e.start = JsonFields.requiredTimestamp(root, "start");
            e.end = JsonFields.requiredTimestamp(root, "end");
            if (e.end <= e.start) {
                throw new Invalid("end " + e.end + " is not after start " + e.start);
            }
            JsonNode extra = root.get("extra");
            if (extra == null || !extra.isObject()) {
                throw new Invalid("missing object extra");
            }
            Iterator<Map.Entry<String, JsonNode>> it = extra.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                ResourceType type;
                try {
                    type = ResourceType.fromJsonName(f.getKey());
                } catch (IllegalArgumentException ex) {
                    throw new Invalid("unknown resource " + f.getKey() + " in extra");
                }
                Double v = JsonFields.optionalAmount(extra, f.getKey(), MAX_EXTRA);
                if (v != null) {
                    e.extra.put(type, v);
                }
            }
            return Validated.ok(e);
        } catch (Invalid ex) {
            return reject(payload, ex.getMessage(), nowMillis);
        }
    }

    private Validated<ScheduledEvent> reject(String payload, String reason, long nowMillis) {
        return Validated.rejected(new DeadLetter(topic, payload, reason, nowMillis));
    }
}
