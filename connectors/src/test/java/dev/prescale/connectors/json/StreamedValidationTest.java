package dev.prescale.connectors.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.json.JsonFields.Invalid;
import dev.prescale.connectors.records.Interaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link InteractionValidator}, which streams a payload ({@link TopLevelScalars}), against the
 * tree-based reading it replaced ({@code readTree} and {@link JsonFields}, kept below as the
 * reference): the same interaction or the same dead-letter reason for random payloads (every field
 * valid, missing, null, of another type, nested, duplicated, out of range, escaped), cut-off and
 * broken payloads, and values that are not objects.
 */
class StreamedValidationTest {

    private final InteractionValidator streamed = new InteractionValidator("interactions");

    @Test
    void randomPayloadsGiveWhatTheTreeGave() {
        Random rnd = new Random(20261204L);
        int valid = 0;
        int rejected = 0;
        for (int n = 0; n < 30_000; n++) {
            String payload = randomPayload(rnd);
            if (rnd.nextInt(10) == 0) {
                payload = payload.substring(0, rnd.nextInt(payload.length() + 1)); // cut off anywhere
            }
            if (payload.isBlank()) {
                continue;
            }
            String expected = tree(payload);
            Validated<Interaction> got = streamed.validate(payload, 0);
            assertThat(describe(got)).as(payload).isEqualTo(expected);
            if (got.isValid()) {
                valid++;
            } else {
                rejected++;
            }
        }
        assertThat(valid).as("valid payloads exercised").isGreaterThan(3_000);
        assertThat(rejected).as("rejections exercised").isGreaterThan(3_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "null", "42", "\"text\"", "true", "[1,2]", "[1,2", "[{\"ts\":1}]", "{", "}", "{\"ts\"", "{\"ts\":}", "{\"ts\":1,}",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\"} trailing",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\",\"x\":{\"deep\":[1,{\"a\":\"b\"}]}}",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\",\"x\":{\"broken\":[1,}}",
        "{\"ts\":1704067200000,\"user\":{\"id\":\"u\"},\"group\":\"g\",\"kind\":\"UI\"}",
        "{\"ts\":99999999999999999999999,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\"}",
        "{\"ts\":1704067200000.0,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\"}",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"ui\",\"cpuMillis\":1e400}",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"Ui\",\"netBytes\":123456789012345678901234567890}",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\",\"memMb\":NaN}",
        "{\"ts\":1704067200000,\"user\":\" u\\u0001 \",\"group\":\"g\",\"kind\":\"UI\"}",
        "{\"ts\":1704067200000,\"user\":\"\\u00e9l\\u00e8ve\",\"group\":\"g\\\"q\",\"kind\":\"UI\"}",
        "{\"ts\":1704067200000,\"ts\":null,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\"}",
        "{\"ts\":null,\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\"}",
    })
    void edgeCasesGiveWhatTheTreeGave(String payload) {
        assertThat(describe(streamed.validate(payload, 0))).isEqualTo(tree(payload));
    }

    /** The outcome as text: the interaction's fields, or the dead letter's reason. */
    private static String describe(Validated<Interaction> v) {
        if (!v.isValid()) {
            return "rejected: " + v.deadLetter().reason;
        }
        Interaction i = v.value();
        return "ok: " + i.ts + "|" + i.user + "|" + i.group + "|" + i.kind + "|" + i.name + "|" + i.cpuMillis + "|"
                + i.durationMs + "|" + i.memMb + "|" + i.bytesRead + "|" + i.bytesWritten + "|" + i.netBytes;
    }

    /** The tree-based validation the streamed one replaced, as the reference. */
    private static String tree(String payload) {
        try {
            JsonNode root = JsonFields.parseObject(payload);
            Interaction i = new Interaction();
            i.ts = JsonFields.requiredTimestamp(root, "ts");
            i.user = JsonFields.requiredText(root, "user", InteractionValidator.MAX_TEXT);
            i.group = JsonFields.requiredText(root, "group", InteractionValidator.MAX_TEXT);
            String kind = JsonFields.requiredText(root, "kind", InteractionValidator.MAX_TEXT);
            try {
                i.kind = Interaction.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Invalid("unknown kind " + kind + " (API_CALL, DATA_ACCESS or UI)");
            }
            i.name = JsonFields.optionalText(root, "name", InteractionValidator.MAX_TEXT);
            i.cpuMillis = JsonFields.optionalAmount(root, "cpuMillis", InteractionValidator.MAX_CPU_MILLIS);
            i.durationMs = JsonFields.optionalAmount(root, "durationMs", InteractionValidator.MAX_DURATION_MS);
            i.memMb = JsonFields.optionalAmount(root, "memMb", InteractionValidator.MAX_MEM_MB);
            i.bytesRead = JsonFields.optionalAmount(root, "bytesRead", InteractionValidator.MAX_BYTES);
            i.bytesWritten = JsonFields.optionalAmount(root, "bytesWritten", InteractionValidator.MAX_BYTES);
            i.netBytes = JsonFields.optionalAmount(root, "netBytes", InteractionValidator.MAX_BYTES);
            return describe(Validated.ok(i));
        } catch (Invalid e) {
            return "rejected: " + e.getMessage();
        }
    }

    private static final String[] FIELDS = {
        "ts", "user", "group", "kind", "name", "cpuMillis", "durationMs", "memMb", "bytesRead", "bytesWritten", "netBytes"};

    /** An object with each field mostly valid, sometimes missing, null, mistyped or odd; unknown and repeated fields between. */
    private static String randomPayload(Random rnd) {
        List<String> members = new ArrayList<>();
        for (String f : FIELDS) {
            int roll = rnd.nextInt(40);
            if (roll == 0) {
                continue; // missing
            }
            String value = roll == 1 ? "null" : roll == 2 ? odd(rnd) : valid(f, rnd);
            members.add(quote(f) + ":" + value);
            if (rnd.nextInt(60) == 0) {
                members.add(quote(f) + ":" + (rnd.nextBoolean() ? "null" : valid(f, rnd))); // repeated: the last wins
            }
        }
        if (rnd.nextInt(3) == 0) {
            members.add(rnd.nextInt(members.size() + 1), quote("extra" + rnd.nextInt(3)) + ":" + odd(rnd));
        }
        if (rnd.nextInt(8) == 0) {
            java.util.Collections.shuffle(members, rnd);
        }
        return (rnd.nextInt(5) == 0 ? " \n" : "") + "{" + String.join(rnd.nextBoolean() ? "," : " , ", members) + "}";
    }

    /** Mostly a clean value of the field's type; one in five times an edge (empty, control character, out of range...). */
    private static String valid(String field, Random rnd) {
        if (rnd.nextInt(5) != 0) {
            switch (field) {
                case "ts":
                    return Long.toString(1_704_067_200_000L + rnd.nextInt(1_000_000));
                case "kind":
                    return quote("API_CALL");
                case "user":
                case "group":
                case "name":
                    return quote("g-" + rnd.nextInt(100));
                default:
                    return Integer.toString(rnd.nextInt(1_000));
            }
        }
        switch (field) {
            case "ts":
                return Long.toString(1_704_067_200_000L + rnd.nextInt(1_000_000));
            case "user":
            case "group":
            case "name":
                return quote(new String[] {"u1", " padded ", "caf\\u00e9", "tab\\there", "", "q\\\"uote", "x".repeat(257), "g-" + rnd.nextInt(100)}[rnd.nextInt(8)]);
            case "kind":
                return quote(new String[] {"API_CALL", "data_access", "Ui", "PUSH"}[rnd.nextInt(4)]);
            default:
                return new String[] {"0", "12.5", "3", "-1", "1e3", "2E-2", "1e13", "7"}[rnd.nextInt(8)];
        }
    }

    private static String odd(Random rnd) {
        return new String[] {"true", "false", "\"12\"", "[1,2]", "{\"a\":{\"b\":[]}}", "1.5", "-7", "99999999999999999999999",
            "1e400", "\"\"", "[]", "{}"}[rnd.nextInt(12)];
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
