package dev.prescale.connectors.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.json.JsonFields.Invalid;
import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Utilization;
import java.io.Serializable;

/** Turns one {@code utilization} payload into a {@link Utilization} or a dead letter. */
public final class UtilizationValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final double MAX_VALUE = 1e15;
    public static final int MAX_IN_SERVICE = 100_000;

    private final String topic;

    public UtilizationValidator(String topic) {
        this.topic = topic;
    }

    public Validated<Utilization> validate(String payload, long nowMillis) {
        try {
            JsonNode root = JsonFields.parseObject(payload);
            Utilization u = new Utilization();
            u.ts = JsonFields.requiredTimestamp(root, "ts");
            u.target = JsonFields.requiredText(root, "target", InteractionValidator.MAX_TEXT);
            u.cpu = JsonFields.optionalAmount(root, "cpu", MAX_VALUE);
            u.memory = JsonFields.optionalAmount(root, "memory", MAX_VALUE);
            u.storage = JsonFields.optionalAmount(root, "storage", MAX_VALUE);
            u.network = JsonFields.optionalAmount(root, "network", MAX_VALUE);
            JsonNode in = root.get("inService");
            if (in != null && !in.isNull()) {
                if (!in.isIntegralNumber() || in.longValue() < 0 || in.longValue() > MAX_IN_SERVICE) {
                    throw new Invalid("inService is not an integer in [0, " + MAX_IN_SERVICE + "]");
                }
                u.inService = in.intValue();
            }
            return Validated.ok(u);
        } catch (Invalid ex) {
            return reject(payload, ex.getMessage(), nowMillis);
        }
    }

    private Validated<Utilization> reject(String payload, String reason, long nowMillis) {
        return Validated.rejected(new DeadLetter(topic, payload, reason, nowMillis));
    }
}
