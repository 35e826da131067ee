package dev.prescale.connectors.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.json.JsonFields.Invalid;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TopLevelScalars#readPlain}, the hand scan of plain payloads, against Jackson's streaming
 * read of the same payload: whenever the scan says it read a payload, Jackson reads it too and fills
 * the same slots (kinds, texts, longs, doubles to the bit). Random payloads from a grammar that leans
 * on the scan's edges (numbers, literals, whitespace, escapes, control characters, trailing text),
 * then mutated one character at a time.
 */
class PlainScanTest {

    private static final TopLevelScalars.FieldNames NAMES = new TopLevelScalars.FieldNames(
            "ts", "user", "group", "kind", "cpuMillis", "memMb");

    @Test
    void whateverTheScanReadsJacksonReadsTheSame() {
        Random rnd = new Random(20261205L);
        int scanned = 0;
        int left = 0;
        for (int n = 0; n < 60_000; n++) {
            String payload = payload(rnd);
            for (int m = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : 0; m > 0; m--) {
                payload = mutate(payload, rnd);
            }
            if (compare(payload)) {
                scanned++;
            } else {
                left++;
            }
        }
        // Both sides exercised: most plain payloads scanned, many left to Jackson.
        assertThat(scanned).as("payloads the scan read").isGreaterThan(15_000);
        assertThat(left).as("payloads left to Jackson").isGreaterThan(15_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", " \t\r\n{ } \n", "{\"ts\":0}", "{\"ts\":-0}", "{\"ts\":-0.0}", "{\"cpuMillis\":1e400}", "{\"cpuMillis\":-1e-400}",
        "{\"ts\":999999999999999999}", "{\"ts\":-999999999999999999}", "{\"ts\":0.1e1,\"ts\":2}", "{\"memMb\":2.5E+3}",
        "{\"user\":\"caf\u00e9 \uD83D\uDE00 \u2028\"}", "{\"user\":null,\"group\":true,\"kind\":false}", "{\"x\":\"\",\"user\":\"\"}",
        "{\"user\" : \"a\" , \"group\":\"b\"}",
    })
    void plainPayloadsAreScannedAsJacksonReadsThem(String payload) {
        assertThat(compare(payload)).as("scanned").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "[]", "{", "{\"ts\":1,}", "{\"ts\":01}", "{\"ts\":-}", "{\"ts\":1.}", "{\"ts\":.5}", "{\"ts\":1e}", "{\"ts\":+1}",
        "{\"ts\":1234567890123456789}", "{\"ts\":nul}", "{\"ts\":nullx}", "{\"ts\":truex}", "{\"ts\":NaN}", "{\"ts\":{}}",
        "{\"ts\":[1]}", "{\"user\":\"a\\\"b\"}", "{\"us\\u0065r\":\"a\"}", "{\"user\":\"a\u0001\"}", "{\"ts\":1} x",
        "{\"ts\":1}{", "\u000b{\"ts\":1}", "{\"ts\" 1}", "{\"ts\":1 \"user\":\"u\"}", "{ts:1}", "{'ts':1}", "\u00a0{}",
    })
    void everythingElseIsLeftToJackson(String payload) {
        assertThat(compare(payload)).as("scanned").isFalse();
    }

    /** Scans the payload; if it was scanned, asserts Jackson gives the same slots. True if it was scanned. */
    private static boolean compare(String payload) {
        TopLevelScalars scan = new TopLevelScalars(NAMES);
        if (!scan.readPlain(payload)) {
            return false;
        }
        TopLevelScalars jackson = new TopLevelScalars(NAMES);
        try {
            jackson.readWithJackson(payload);
        } catch (Invalid e) {
            throw new AssertionError("scanned, but Jackson rejects it (" + e.getMessage() + "): " + payload);
        }
        assertThat(scan.describeSlots()).as(payload).isEqualTo(jackson.describeSlots());
        return true;
    }

    private static final String[] FIELD_NAMES = {"ts", "user", "group", "kind", "cpuMillis", "memMb", "other", "t", "tss", "us\\u0065r"};

    private static String payload(Random rnd) {
        StringBuilder b = new StringBuilder(ws(rnd)).append('{').append(ws(rnd));
        int members = rnd.nextInt(7);
        for (int m = 0; m < members; m++) {
            if (m > 0) {
                b.append(',').append(ws(rnd));
            }
            b.append('"').append(FIELD_NAMES[rnd.nextInt(FIELD_NAMES.length)]).append('"').append(ws(rnd)).append(':')
                    .append(ws(rnd)).append(value(rnd)).append(ws(rnd));
        }
        if (rnd.nextInt(30) == 0) {
            b.append(',');
        }
        b.append('}').append(ws(rnd));
        if (rnd.nextInt(30) == 0) {
            b.append(new String[] {"x", "{", "}", "1", "\u0000"}[rnd.nextInt(5)]);
        }
        return b.toString();
    }

    private static String ws(Random rnd) {
        return rnd.nextInt(4) != 0 ? "" : new String[] {" ", "\t", "\n", "\r", "  \n ", "\u000b", "\u00a0", "\f"}[rnd.nextInt(rnd.nextInt(10) == 0 ? 8 : 5)];
    }

    private static String value(Random rnd) {
        switch (rnd.nextInt(6)) {
            case 0:
                return new String[] {"null", "true", "false", "nul", "nullx", "truex", "False", "NaN", "Infinity", "{}", "[1]", "{\"a\":1}"}[
                        rnd.nextInt(rnd.nextInt(4) == 0 ? 12 : 3)];
            case 1:
            case 2:
                return '"' + text(rnd) + '"';
            default:
                return number(rnd);
        }
    }

    private static String text(Random rnd) {
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(12);
        for (int k = 0; k < n; k++) {
            int roll = rnd.nextInt(40);
            b.append(roll == 0 ? "\\\"" : roll == 1 ? "\\n" : roll == 2 ? "\\u00e9" : roll == 3 ? "\u0001" : roll == 4 ? "\u00e9"
                    : roll == 5 ? "\uD83D\uDE00" : roll == 6 ? "\uD800" : roll == 7 ? " " : String.valueOf((char) ('a' + rnd.nextInt(26))));
        }
        return b.toString();
    }

    private static String number(Random rnd) {
        StringBuilder b = new StringBuilder();
        if (rnd.nextInt(4) == 0) {
            b.append('-');
        }
        int digits = rnd.nextInt(8) == 0 ? 15 + rnd.nextInt(8) : rnd.nextInt(14);
        for (int k = 0; k < digits; k++) {
            b.append((char) ('0' + (k == 0 && rnd.nextInt(5) != 0 ? 1 + rnd.nextInt(9) : rnd.nextInt(10))));
        }
        if (rnd.nextInt(4) == 0) {
            b.append('.');
            for (int k = rnd.nextInt(6); k > 0; k--) {
                b.append((char) ('0' + rnd.nextInt(10)));
            }
        }
        if (rnd.nextInt(5) == 0) {
            b.append(rnd.nextBoolean() ? 'e' : 'E');
            if (rnd.nextBoolean()) {
                b.append(rnd.nextBoolean() ? '+' : '-');
            }
            for (int k = rnd.nextInt(4); k > 0; k--) {
                b.append((char) ('0' + rnd.nextInt(10)));
            }
        }
        return b.toString();
    }

    /** One character inserted, deleted or replaced, from those that matter to JSON. */
    private static String mutate(String s, Random rnd) {
        String alphabet = "{}[]\":,.-+eE0123456789 \t\n\\u\u0000\u00a0nultrfaxs";
        int at = rnd.nextInt(s.length() + 1);
        char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
        switch (rnd.nextInt(3)) {
            case 0:
                return s.substring(0, at) + c + s.substring(at);
            case 1:
                return at < s.length() ? s.substring(0, at) + s.substring(at + 1) : s;
            default:
                return at < s.length() ? s.substring(0, at) + c + s.substring(at + 1) : s;
        }
    }
}
