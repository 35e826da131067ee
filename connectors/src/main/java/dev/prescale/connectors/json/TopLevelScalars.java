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

        FieldNames(String... names) {
            this.names = names.clone();
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
        this.doubles = new double[n];
        Arrays.fill(kinds, Kind.ABSENT);
    }

    /**
     * Reads a payload's asked-for fields; {@link Invalid} "not JSON" if it does not parse up to the end
     * of its first value, "not a JSON object" if that value is not an object (as a tree read would).
     */
    void read(String payload) throws Invalid {
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

    /** Absent or JSON null: what the tree-based checks treat alike. */
    private boolean isMissing(int slot) {
        return kinds[slot] == Kind.ABSENT || kinds[slot] == Kind.NULL;
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
