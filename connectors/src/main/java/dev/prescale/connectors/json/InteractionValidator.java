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

    /** The payload fields read, in slot order (the constants below). */
    private static final TopLevelScalars.FieldNames FIELDS = new TopLevelScalars.FieldNames(
            "ts", "user", "group", "kind", "name", "cpuMillis", "durationMs", "memMb", "bytesRead", "bytesWritten", "netBytes");
    private static final int TS = 0;
    private static final int USER = 1;
    private static final int GROUP = 2;
    private static final int KIND = 3;
    private static final int NAME = 4;
    private static final int CPU_MILLIS = 5;
    private static final int DURATION_MS = 6;
    private static final int MEM_MB = 7;
    private static final int BYTES_READ = 8;
    private static final int BYTES_WRITTEN = 9;
    private static final int NET_BYTES = 10;

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
            // Streamed, not read as a tree: the same checks and reasons, at a fraction of the cost.
            TopLevelScalars f = new TopLevelScalars(FIELDS);
            f.read(payload);
            Interaction i = new Interaction();
            i.ts = f.requiredTimestamp(TS);
            i.user = f.requiredText(USER, MAX_TEXT);
            i.group = f.requiredText(GROUP, MAX_TEXT);
            String kind = f.requiredText(KIND, MAX_TEXT);
            i.kind = kindOf(kind);
            i.name = f.optionalText(NAME, MAX_TEXT);
            i.cpuMillis = f.optionalAmount(CPU_MILLIS, MAX_CPU_MILLIS);
            i.durationMs = f.optionalAmount(DURATION_MS, MAX_DURATION_MS);
            i.memMb = f.optionalAmount(MEM_MB, MAX_MEM_MB);
            i.bytesRead = f.optionalAmount(BYTES_READ, MAX_BYTES);
            i.bytesWritten = f.optionalAmount(BYTES_WRITTEN, MAX_BYTES);
            i.netBytes = f.optionalAmount(NET_BYTES, MAX_BYTES);
            return Validated.ok(i);
        } catch (Invalid e) {
            return reject(payload, e.getMessage(), clock.getAsLong());
        }
    }

    /** The kind, in any case. */
    private static Interaction.Kind kindOf(String kind) throws Invalid {
        // The names as they are (most payloads) without a new upper-cased String; any case below.
        switch (kind) {
            case "API_CALL":
                return Interaction.Kind.API_CALL;
            case "DATA_ACCESS":
                return Interaction.Kind.DATA_ACCESS;
            case "UI":
                return Interaction.Kind.UI;
            default:
                break;
        }
        try {
            return Interaction.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Invalid("unknown kind " + kind + " (API_CALL, DATA_ACCESS or UI)");
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
