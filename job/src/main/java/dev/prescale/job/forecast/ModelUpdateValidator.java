package dev.prescale.job.forecast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.json.Json;
import dev.prescale.connectors.json.Validated;
import dev.prescale.connectors.records.DeadLetter;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Set;

/**
 * Validates a model-update payload: a JSON object with a non-blank text {@code location} and an
 * optional text {@code version}, nothing else; anything else becomes a dead letter of the topic.
 */
public final class ModelUpdateValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Set<String> FIELDS = Set.of("location", "version");
    /** Longer locations are certainly not a path or a URI a person announced. */
    static final int MAX_LENGTH = 4096;

    private final String topic;

    public ModelUpdateValidator(String topic) {
        this.topic = topic;
    }

    /** The update, or a dead letter saying what is wrong with the payload. */
    public Validated<ModelUpdate> validate(String payload, long nowMillis) {
        if (payload == null || payload.isBlank()) {
            return rejected(payload, "empty payload", nowMillis);
        }
        JsonNode n;
        try {
            n = Json.mapper().readTree(payload);
        } catch (Exception e) {
            return rejected(payload, "not JSON: " + e.getClass().getSimpleName(), nowMillis);
        }
        if (n == null || !n.isObject()) {
            return rejected(payload, "not a JSON object", nowMillis);
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                return rejected(payload, "unknown field " + f, nowMillis);
            }
        }
        JsonNode location = n.get("location");
        if (location == null || !location.isTextual() || location.asText().isBlank()) {
            return rejected(payload, "location must be a non-blank string", nowMillis);
        }
        if (location.asText().length() > MAX_LENGTH) {
            return rejected(payload, "location longer than " + MAX_LENGTH + " characters", nowMillis);
        }
        JsonNode version = n.get("version");
        if (version != null && !version.isNull() && (!version.isTextual() || version.asText().isBlank())) {
            return rejected(payload, "version must be a non-blank string when present", nowMillis);
        }
        String v = version == null || version.isNull() ? null : version.asText().trim();
        return Validated.ok(new ModelUpdate(location.asText().trim(), v));
    }

    private Validated<ModelUpdate> rejected(String payload, String reason, long nowMillis) {
        return Validated.rejected(new DeadLetter(topic, payload, reason, nowMillis));
    }
}
