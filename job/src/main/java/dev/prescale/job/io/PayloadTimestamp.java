package dev.prescale.job.io;

/**
 * Reads the top-level {@code "ts"} field of a JSON object payload with one pass over its characters
 * and no allocation, so that the Kafka source can stamp every record with its event time (and
 * generate watermarks per partition) without parsing the payload into a tree.
 *
 * <p>It agrees with {@code InteractionValidator} on every payload the validator accepts: the last
 * top-level {@code ts} wins (as in Jackson's tree), nested objects and strings are skipped, escaped
 * keys are decoded, and only a plain JSON integer that fits a long counts. Everything else (no
 * object, a truncated object, a missing, fractional, quoted or overflowing ts) gives
 * {@link #MISSING}; such records are dead-lettered by the validator later. Values of other fields
 * are skipped, not checked: a record with a readable ts and garbage elsewhere keeps its ts.
 */
public final class PayloadTimestamp {

    /** What {@link #read} returns when the payload has no usable top-level integer {@code ts}. */
    public static final long MISSING = Long.MIN_VALUE;

    private static final String KEY = "ts";

    private PayloadTimestamp() {}

    /** The payload's top-level integer {@code ts}, or {@link #MISSING}. */
    public static long read(String json) {
        if (json == null) {
            return MISSING;
        }
        int n = json.length();
        int i = skipWhitespace(json, 0);
        if (i >= n || json.charAt(i) != '{') {
            return MISSING;
        }
        i = skipWhitespace(json, i + 1);
        if (i < n && json.charAt(i) == '}') {
            return MISSING;
        }
        long ts = MISSING;
        while (true) {
            if (i >= n || json.charAt(i) != '"') {
                return MISSING;
            }
            int keyEnd = endOfString(json, i);
            if (keyEnd < 0) {
                return MISSING;
            }
            boolean isTs = keyIs(json, i + 1, keyEnd - 1, KEY);
            i = skipWhitespace(json, keyEnd);
            if (i >= n || json.charAt(i) != ':') {
                return MISSING;
            }
            i = skipWhitespace(json, i + 1);
            int valueEnd = endOfValue(json, i);
            if (valueEnd < 0) {
                return MISSING;
            }
            if (isTs) {
                // A later duplicate replaces an earlier one, as in the validator's JSON tree.
                ts = integer(json, i, valueEnd);
            }
            i = skipWhitespace(json, valueEnd);
            if (i >= n) {
                return MISSING; // truncated: the validator rejects it
            }
            char c = json.charAt(i);
            if (c == '}') {
                // Like Jackson's readTree, whatever follows the object is not looked at.
                return ts;
            }
            if (c != ',') {
                return MISSING;
            }
            i = skipWhitespace(json, i + 1);
        }
    }

    private static int skipWhitespace(String s, int i) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    /** {@code s.charAt(i)} is a quote; the index after the closing quote, or -1 if there is none. */
    private static int endOfString(String s, int i) {
        int n = s.length();
        for (int j = i + 1; j < n; j++) {
            char c = s.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '"') {
                return j + 1;
            }
        }
        return -1;
    }

    /** The index after the value starting at {@code i}, or -1 when it does not end. */
    private static int endOfValue(String s, int i) {
        int n = s.length();
        if (i >= n) {
            return -1;
        }
        char first = s.charAt(i);
        if (first == '"') {
            return endOfString(s, i);
        }
        if (first == '{' || first == '[') {
            int depth = 0;
            int j = i;
            while (j < n) {
                char c = s.charAt(j);
                if (c == '"') {
                    j = endOfString(s, j);
                    if (j < 0) {
                        return -1;
                    }
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                    if (depth == 0) {
                        return j + 1;
                    }
                }
                j++;
            }
            return -1;
        }
        // A bare token (number, true, false, null or garbage): up to the next separator.
        int j = i;
        while (j < n) {
            char c = s.charAt(j);
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                break;
            }
            j++;
        }
        return j == i ? -1 : j;
    }

    /** The JSON integer {@code -?(0|[1-9][0-9]*)} in {@code [from, to)} as a long, or {@link #MISSING}. */
    private static long integer(String s, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && s.charAt(i) == '-') {
            negative = true;
            i++;
        }
        if (i >= to || (s.charAt(i) == '0' && to - i > 1)) {
            return MISSING; // no digits, or a leading zero (not JSON)
        }
        long v = 0;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return MISSING; // a fraction, an exponent or not a number
            }
            int d = c - '0';
            // Accumulate negatively so that Long.MIN_VALUE's magnitude fits; overflow: not a long.
            if (v < (Long.MIN_VALUE + d) / 10) {
                return MISSING;
            }
            v = v * 10 - d;
        }
        if (negative) {
            return v;
        }
        return v == Long.MIN_VALUE ? MISSING : -v;
    }

    /** Whether the raw (escaped) key text in {@code [from, to)} decodes to {@code key}. */
    private static boolean keyIs(String s, int from, int to, String key) {
        int k = 0;
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 >= to) {
                    return false;
                }
                char e = s.charAt(i + 1);
                switch (e) {
                    case 'u':
                        if (i + 6 > to) {
                            return false;
                        }
                        int code = 0;
                        for (int h = i + 2; h < i + 6; h++) {
                            int digit = Character.digit(s.charAt(h), 16);
                            if (digit < 0) {
                                return false;
                            }
                            code = code * 16 + digit;
                        }
                        c = (char) code;
                        i += 6;
                        break;
                    case 'b':
                        c = '\b';
                        i += 2;
                        break;
                    case 'f':
                        c = '\f';
                        i += 2;
                        break;
                    case 'n':
                        c = '\n';
                        i += 2;
                        break;
                    case 'r':
                        c = '\r';
                        i += 2;
                        break;
                    case 't':
                        c = '\t';
                        i += 2;
                        break;
                    default: // \" \\ \/ (and anything else, which Jackson rejects anyway)
                        c = e;
                        i += 2;
                }
            } else {
                i++;
            }
            if (k >= key.length() || key.charAt(k) != c) {
                return false;
            }
            k++;
        }
        return k == key.length();
    }
}
