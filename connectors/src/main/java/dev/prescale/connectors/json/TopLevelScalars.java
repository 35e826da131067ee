package dev.prescale.connectors.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.prescale.connectors.json.JsonFields.Invalid;
import java.io.IOException;
import java.util.Arrays;

/**
 * The top-level fields of one JSON object that a validator asks for, read with Jackson's streaming
 * parser: what a {@code readTree} would give for them (the last of duplicate fields wins, a nested
 * value is "other", a payload that does not parse is "not JSON" wherever it breaks) without building
 * the tree, whose nodes and maps were most of the parse on the job's source thread. Fields not asked
 * for are skipped over (still parsed, so broken JSON in them is still caught).
 *
 * <p>Most payloads are a flat object of plain strings, integers and literals: {@link #readPlain}
 * scans those by hand, without a Jackson parser (whose setup per payload and token machinery were
 * most of the parse on the job's source thread), and leaves anything else to Jackson from scratch:
 * escapes, nested values, characters JSON forbids, numbers Jackson might type or bound otherwise,
 * text after the object, a payload cut off. So what it accepts it reads as Jackson would, and what it
 * does not know it never decides.
 *
 * <p>Each {@link #read} fills one slot per asked-for field with its {@link Kind} and value; the
 * {@code required…}/{@code optional…} checks give the same reasons as {@link JsonFields}' tree-based ones.
 * Not thread-safe: one instance per validator call.
 */
final class TopLevelScalars {

    /** What a slot holds after {@link #read}. */
    enum Kind { ABSENT, NULL, TEXT, INTEGER, OTHER_NUMBER, OTHER }

    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private final FieldNames names;
    private final Kind[] kinds;
    private final String[] texts;
    private final long[] longs;
    private final double[] doubles;

    /** The fields a validator reads, by name; made once, shared by the validator's calls. */
    static final class FieldNames {
        private final String[] names;
        /** Each name's length and first character: most names in a payload are told apart by these. */
        private final int[] lengths;
        private final char[] firsts;

        FieldNames(String... names) {
            this.names = names.clone();
            this.lengths = new int[names.length];
            this.firsts = new char[names.length];
            for (int k = 0; k < names.length; k++) {
                lengths[k] = names[k].length();
                firsts[k] = names[k].isEmpty() ? 0 : names[k].charAt(0);
            }
        }

        /** The slot of a field name, or -1; names from the parser are canonical, so mostly one identity check. */
        int slotOf(String name) {
            String[] n = names;
            for (int k = 0; k < n.length; k++) {
                if (n[k] == name) {
                    return k;
                }
            }
            for (int k = 0; k < n.length; k++) {
                if (n[k].equals(name)) {
                    return k;
                }
            }
            return -1;
        }

        /** The slot of the name at {@code payload[start, end)}, or -1. */
        int slotOf(String payload, int start, int end) {
            int length = end - start;
            char first = length == 0 ? 0 : payload.charAt(start);
            for (int k = 0; k < lengths.length; k++) {
                if (lengths[k] == length && firsts[k] == first && payload.startsWith(names[k], start)) {
                    return k;
                }
            }
            return -1;
        }

        String name(int slot) {
            return names[slot];
        }

        int size() {
            return names.length;
        }
    }

    TopLevelScalars(FieldNames names) {
        this.names = names;
        int n = names.size();
        this.kinds = new Kind[n];
        this.texts = new String[n];
        this.longs = new long[n];
        this.doubles = new double[n]; // kinds start as null: ABSENT (see kind), without a fill per payload
    }

    /** The slot's kind: null in {@link #kinds} is {@link Kind#ABSENT}. */
    private Kind kind(int slot) {
        Kind k = kinds[slot];
        return k == null ? Kind.ABSENT : k;
    }

    /**
     * Reads a payload's asked-for fields; {@link Invalid} "not JSON" if it does not parse up to the end
     * of its first value, "not a JSON object" if that value is not an object (as a tree read would).
     */
    void read(String payload) throws Invalid {
        if (readPlain(payload)) {
            return;
        }
        clear(); // what the plain scan took before it gave up
        readWithJackson(payload);
    }

    /** The longest payload {@link #readPlain} scans: far below Jackson's own limits on names, strings and numbers. */
    private static final int PLAIN_MAX_CHARS = 10_000;
    /** Integers of at most this many digits are always a long to Jackson (19 may be a BigInteger). */
    private static final int PLAIN_MAX_DIGITS = 18;
    /** Number tokens up to this long are scanned here; longer ones are left to Jackson's limits. */
    private static final int PLAIN_MAX_NUMBER_CHARS = 64;

    /**
     * Reads a flat object of plain values by hand: true when it did (the slots hold what Jackson would
     * have given), false when the payload has anything it does not scan (then the slots are undefined).
     * Plain: JSON whitespace (space, tab, CR, LF) around tokens; names and strings without escapes or
     * control characters; numbers in JSON's grammar (integers of at most 18 digits as longs, others with
     * a fraction or an exponent as doubles: both correctly rounded, as Jackson's); {@code null},
     * {@code true}, {@code false}; nothing but whitespace after the closing brace.
     */
    boolean readPlain(String s) {
        int n = s.length();
        if (n > PLAIN_MAX_CHARS) {
            return false;
        }
        int i = skipWhitespace(s, 0, n);
        if (i >= n || s.charAt(i) != '{') {
            return false;
        }
        i = skipWhitespace(s, i + 1, n);
        if (i < n && s.charAt(i) == '}') {
            return skipWhitespace(s, i + 1, n) == n;
        }
        while (i < n && s.charAt(i) == '"') {
            int nameEnd = endOfPlainString(s, i + 1, n);
            if (nameEnd < 0) {
                return false;
            }
            int slot = names.slotOf(s, i + 1, nameEnd);
            i = skipWhitespace(s, nameEnd + 1, n);
            if (i >= n || s.charAt(i) != ':') {
                return false;
            }
            i = plainValue(s, skipWhitespace(s, i + 1, n), n, slot);
            if (i < 0) {
                return false;
            }
            i = skipWhitespace(s, i, n);
            if (i >= n) {
                return false;
            }
            char c = s.charAt(i);
            if (c == '}') {
                return skipWhitespace(s, i + 1, n) == n;
            }
            if (c != ',') {
                return false;
            }
            i = skipWhitespace(s, i + 1, n); // a name must follow: a trailing comma is Jackson's to reject
        }
        return false;
    }

    /** The index after a plain value starting at {@code i} (taken into {@code slot} if >= 0), or -1. */
    private int plainValue(String s, int i, int n, int slot) {
        if (i >= n) {
            return -1;
        }
        char c = s.charAt(i);
        if (c == '"') {
            int end = endOfPlainString(s, i + 1, n);
            if (end < 0) {
                return -1;
            }
            if (slot >= 0) {
                kinds[slot] = Kind.TEXT;
                texts[slot] = s.substring(i + 1, end);
            }
            return end + 1;
        }
        if (c == '-' || isDigit(c)) {
            return plainNumber(s, i, n, slot);
        }
        // A literal; whatever follows it is checked by the caller (a delimiter or the end of the scan).
        Kind literal = s.startsWith("null", i) ? Kind.NULL
                : s.startsWith("true", i) || s.startsWith("false", i) ? Kind.OTHER : null;
        if (literal == null) {
            return -1; // a nested value, NaN, a bare word: Jackson's
        }
        if (slot >= 0) {
            kinds[slot] = literal;
        }
        return i + (c == 'f' ? 5 : 4);
    }

    /** A number in JSON's grammar from {@code start}: its end, or -1 (malformed, or one left to Jackson). */
    private int plainNumber(String s, int start, int n, int slot) {
        int i = start;
        boolean negative = s.charAt(i) == '-';
        if (negative) {
            i++;
        }
        int digitsStart = i;
        if (i < n && s.charAt(i) == '0') {
            i++; // a leading zero stands alone
        } else {
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
        }
        int digitsEnd = i;
        if (digitsEnd == digitsStart) {
            return -1; // "-" alone ("01" ends at the 0: the caller finds no delimiter after it)
        }
        boolean integral = true;
        if (i < n && s.charAt(i) == '.') {
            integral = false;
            int fraction = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == fraction) {
                return -1;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            integral = false;
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == exponent) {
                return -1;
            }
        }
        if (i - start > PLAIN_MAX_NUMBER_CHARS || (integral && digitsEnd - digitsStart > PLAIN_MAX_DIGITS)) {
            return -1;
        }
        if (slot >= 0) {
            if (integral) {
                long v = 0;
                for (int k = digitsStart; k < digitsEnd; k++) {
                    v = v * 10 + (s.charAt(k) - '0');
                }
                kinds[slot] = Kind.INTEGER;
                longs[slot] = negative ? -v : v;
            } else {
                kinds[slot] = Kind.OTHER_NUMBER;
                doubles[slot] = Double.parseDouble(s.substring(start, i));
            }
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The index of the closing quote of a string whose text starts at {@code i}, or -1 if it has an escape or a control character or no end. */
    private static int endOfPlainString(String s, int i, int n) {
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /** The first index from {@code i} that is not JSON whitespace. */
    private static int skipWhitespace(String s, int i, int n) {
        while (i < n) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** Every slot back to {@link Kind#ABSENT}. */
    private void clear() {
        Arrays.fill(kinds, null);
        Arrays.fill(texts, null);
    }

    /** {@link #read} with Jackson's streaming parser. */
    void readWithJackson(String payload) throws Invalid {
        try (JsonParser p = FACTORY.createParser(payload)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                if (t != null) {
                    p.skipChildren(); // an array must still parse to be "not an object" rather than "not JSON"
                }
                throw new Invalid("not a JSON object");
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                int slot = names.slotOf(p.currentName());
                JsonToken v = p.nextToken();
                if (slot < 0) {
                    p.skipChildren();
                } else {
                    take(p, v, slot);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new Invalid("not JSON"); // cut off inside the object
            }
        } catch (Invalid e) {
            throw e;
        } catch (Exception e) {
            throw new Invalid("not JSON");
        }
    }

    private void take(JsonParser p, JsonToken v, int slot) throws IOException, Invalid {
        if (v == null) {
            throw new Invalid("not JSON");
        }
        switch (v) {
            case VALUE_NULL:
                kinds[slot] = Kind.NULL;
                break;
            case VALUE_STRING:
                kinds[slot] = Kind.TEXT;
                texts[slot] = p.getText();
                break;
            case VALUE_NUMBER_INT:
                JsonParser.NumberType nt = p.getNumberType();
                if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
                    kinds[slot] = Kind.INTEGER;
                    longs[slot] = p.getLongValue();
                } else {
                    kinds[slot] = Kind.OTHER_NUMBER; // beyond a long
                    doubles[slot] = p.getDoubleValue();
                }
                break;
            case VALUE_NUMBER_FLOAT:
                kinds[slot] = Kind.OTHER_NUMBER;
                doubles[slot] = p.getDoubleValue();
                break;
            default:
                kinds[slot] = Kind.OTHER; // true, false, an object or an array
                p.skipChildren();
        }
    }

    /** The slots as text, kind and value each (tests: the plain scan against Jackson's). */
    String describeSlots() {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < kinds.length; k++) {
            b.append(names.name(k)).append('=').append(kind(k));
            switch (kind(k)) {
                case TEXT -> b.append(':').append(texts[k]);
                case INTEGER -> b.append(':').append(longs[k]);
                case OTHER_NUMBER -> b.append(':').append(Double.doubleToRawLongBits(doubles[k])).append('/').append(doubles[k]);
                default -> { }
            }
            b.append(' ');
        }
        return b.toString();
    }

    /** Absent or JSON null: what the tree-based checks treat alike. */
    private boolean isMissing(int slot) {
        Kind k = kinds[slot];
        return k == null || k == Kind.NULL;
    }

    /** The slot's kind; {@link Invalid} "missing field" when {@link #isMissing}. */
    private Kind required(int slot) throws Invalid {
        if (isMissing(slot)) {
            throw new Invalid("missing field " + names.name(slot));
        }
        return kinds[slot];
    }

    /** An integer epoch-millisecond timestamp in [2000-01-01, 2100-01-01): {@link JsonFields#requiredTimestamp}. */
    long requiredTimestamp(int slot) throws Invalid {
        String field = names.name(slot);
        if (required(slot) != Kind.INTEGER) {
            throw new Invalid(field + " is not an integer epoch-millisecond timestamp");
        }
        return JsonFields.checkTimestamp(field, longs[slot]);
    }

    /** A trimmed, non-empty string without control characters: {@link JsonFields#requiredText}. */
    String requiredText(int slot, int maxLength) throws Invalid {
        String field = names.name(slot);
        if (required(slot) != Kind.TEXT) {
            throw new Invalid(field + " is not a string");
        }
        return JsonFields.checkText(field, texts[slot], maxLength);
    }

    /** {@link #requiredText}, or null when absent or null. */
    String optionalText(int slot, int maxLength) throws Invalid {
        return isMissing(slot) ? null : requiredText(slot, maxLength);
    }

    /** A non-negative finite number no larger than {@code max}, or null when absent: {@link JsonFields#optionalAmount}. */
    Double optionalAmount(int slot, double max) throws Invalid {
        if (isMissing(slot)) {
            return null;
        }
        Kind k = kinds[slot];
        double v;
        if (k == Kind.INTEGER) {
            v = longs[slot];
        } else if (k == Kind.OTHER_NUMBER) {
            v = doubles[slot];
        } else {
            throw new Invalid(names.name(slot) + " is not a number");
        }
        return JsonFields.checkAmount(names.name(slot), v, max);
    }
}
