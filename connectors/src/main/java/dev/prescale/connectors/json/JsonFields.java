package dev.prescale.connectors.json;

import com.fasterxml.jackson.databind.JsonNode;

/** Field readers shared by the validators; each throws {@link Invalid} with a readable reason. */
final class JsonFields {

    /** Thrown inside a validator to reject the record with {@link #getMessage()} as the reason. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The payload as a JSON object; "not JSON" or "not a JSON object" (also for null) otherwise. */
    static JsonNode parseObject(String payload) throws Invalid {
        JsonNode root;
        try {
            root = payload == null ? null : Json.mapper().readTree(payload);
        } catch (Exception e) {
            throw new Invalid("not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("not a JSON object");
        }
        return root;
    }

    /** Epoch milliseconds must lie in [2000-01-01, 2100-01-01): anything else is a unit mistake. */
    static final long MIN_TS = 946_684_800_000L;
    static final long MAX_TS = 4_102_444_800_000L;

    private JsonFields() {}

    static long requiredTimestamp(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new Invalid("missing field " + field);
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new Invalid(field + " is not an integer epoch-millisecond timestamp");
        }
        return checkTimestamp(field, n.longValue());
    }

    /** The timestamp if it lies in [{@link #MIN_TS}, {@link #MAX_TS}). */
    static long checkTimestamp(String field, long v) throws Invalid {
        if (v < MIN_TS || v >= MAX_TS) {
            throw new Invalid(field + " " + v + " is outside [2000-01-01, 2100-01-01) in epoch milliseconds");
        }
        return v;
    }

    static String requiredText(JsonNode root, String field, int maxLength) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new Invalid("missing field " + field);
        }
        if (!n.isTextual()) {
            throw new Invalid(field + " is not a string");
        }
        return checkText(field, n.textValue(), maxLength);
    }

    /** The text trimmed, if not empty, not too long and free of control characters. */
    static String checkText(String field, String text, int maxLength) throws Invalid {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new Invalid(field + " is empty");
        }
        if (s.length() > maxLength) {
            throw new Invalid(field + " is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new Invalid(field + " contains control characters");
            }
        }
        return s;
    }

    static String optionalText(JsonNode root, String field, int maxLength) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        return requiredText(root, field, maxLength);
    }

    /** A non-negative finite number no larger than {@code max}, or null when absent. */
    static Double optionalAmount(JsonNode root, String field, double max) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw new Invalid(field + " is not a number");
        }
        return checkAmount(field, n.doubleValue(), max);
    }

    /** The amount if finite, not negative and no larger than {@code max}. */
    static Double checkAmount(String field, double v, double max) throws Invalid {
        if (!Double.isFinite(v)) {
            throw new Invalid(field + " is not finite");
        }
        if (v < 0) {
            throw new Invalid(field + " is negative: " + v);
        }
        if (v > max) {
            throw new Invalid(field + " " + v + " is absurd (limit " + max + ")");
        }
        return v;
    }
}
