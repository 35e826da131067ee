package dev.prescale.connectors.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prescale.connectors.json.JsonFields.Invalid;
import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Interaction;
import java.io.Serializable;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one {@code interactions} payload into an {@link Interaction} or a dead letter with the
 * reason: not JSON, a missing ts/user/group/kind, an unknown kind, a negative or absurd amount.
 */
public final class InteractionValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Limits above which a value is a bug upstream rather than demand (per interaction). */
    public static final double MAX_CPU_MILLIS = 3_600_000d; // an hour of one core
    public static final double MAX_DURATION_MS = 86_400_000d; // a day
    public static final double MAX_MEM_MB = 10_000_000d; // 10 TB
    public static final double MAX_BYTES = 1e12; // 1 TB
    public static final int MAX_TEXT = 256;
    /** Dead-letter payloads are cut to this many characters so one huge record cannot stall the DLQ. */
    public static final int MAX_PAYLOAD_CHARS = 10_000;

    private final String topic;

    public InteractionValidator(String topic) {
        this.topic = topic;
    }

    /**
     * Validates a payload. {@code nowMillis} stamps a dead letter. The returned dead letter still
     * holds the original payload: pass it through {@link #redactUser} before it leaves the job.
     */
    public Validated<Interaction> validate(String payload, long nowMillis) {
        return validate(payload, () -> nowMillis);
    }

    /**
     * Validates a payload; {@code clock} is read only to stamp a dead letter (a clock read per valid
     * record is a measurable share of the job's source thread).
     */
    public Validated<Interaction> validate(String payload, LongSupplier clock) {
        if (payload == null || payload.isBlank()) {
            return reject(payload, "empty record", clock.getAsLong());
        }
        try {
            JsonNode root = JsonFields.parseObject(payload);
            Interaction i = new Interaction();
            i.ts = JsonFields.requiredTimestamp(root, "ts");
            i.user = JsonFields.requiredText(root, "user", MAX_TEXT);
            i.group = JsonFields.requiredText(root, "group", MAX_TEXT);
            String kind = JsonFields.requiredText(root, "kind", MAX_TEXT);
            try {
                i.kind = Interaction.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Invalid("unknown kind " + kind + " (API_CALL, DATA_ACCESS or UI)");
            }
            i.name = JsonFields.optionalText(root, "name", MAX_TEXT);
            i.cpuMillis = JsonFields.optionalAmount(root, "cpuMillis", MAX_CPU_MILLIS);
            i.durationMs = JsonFields.optionalAmount(root, "durationMs", MAX_DURATION_MS);
            i.memMb = JsonFields.optionalAmount(root, "memMb", MAX_MEM_MB);
            i.bytesRead = JsonFields.optionalAmount(root, "bytesRead", MAX_BYTES);
            i.bytesWritten = JsonFields.optionalAmount(root, "bytesWritten", MAX_BYTES);
            i.netBytes = JsonFields.optionalAmount(root, "netBytes", MAX_BYTES);
            return Validated.ok(i);
        } catch (Invalid e) {
            return reject(payload, e.getMessage(), clock.getAsLong());
        }
    }

    /**
     * The payload with a textual {@code user} field replaced by {@code hash(user)}; a payload that
     * is not a JSON object cannot be searched for a user and is returned as is (cut to size).
     */
    public static String redactUser(String payload, UnaryOperator<String> hash) {
        if (payload == null) {
            return null;
        }
        try {
            JsonNode root = Json.mapper().readTree(payload);
            if (root instanceof ObjectNode && root.get("user") != null) {
                // Whatever its type ({"user": {"id": ...}} too): the raw value must not leave.
                JsonNode user = root.get("user");
                ObjectNode copy = (ObjectNode) root;
                copy.put("user", hash.apply(user.isValueNode() ? user.asText() : user.toString()));
                return Json.write(copy);
            }
        } catch (Exception e) {
            // not JSON (truncated, cut to size, broken): search the text, below
        }
        // A payload that does not parse (or nests the field) may still carry a raw user id
        // ({"user":"alice","gr... cut off): every "user" field in the text gets the hash of its value.
        Matcher m = USER_IN_TEXT.matcher(payload);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = m.group(2);
            if (value.startsWith("\"")) {
                value = value.substring(1, value.length() > 1 && value.endsWith("\"") ? value.length() - 1 : value.length());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + "\"" + hash.apply(value) + "\""));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A "user" key and its value in JSON-like text: a quoted string (possibly cut off) or a bare token. */
    private static final Pattern USER_IN_TEXT =
            Pattern.compile("(\"user\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"?|[^,}\\]\\s]+)");

    private Validated<Interaction> reject(String payload, String reason, long nowMillis) {
        String p = payload;
        if (p != null && p.length() > MAX_PAYLOAD_CHARS) {
            p = p.substring(0, MAX_PAYLOAD_CHARS);
        }
        return Validated.rejected(new DeadLetter(topic, p, reason, nowMillis));
    }
}
