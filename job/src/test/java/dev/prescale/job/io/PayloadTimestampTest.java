package dev.prescale.job.io;

import static dev.prescale.job.io.PayloadTimestamp.MISSING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.json.InteractionValidator;
import dev.prescale.connectors.json.Validated;
import dev.prescale.connectors.records.Interaction;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PayloadTimestampTest {

    private static final long T = 1_704_067_200_000L;

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"ts\":1704067200000,\"user\":\"u\"}|1704067200000",
            "{\"ts\":-42}|-42",
            "{\"ts\":0}|0",
            // the top-level ts, not the nested one, whichever comes first
            "{\"meta\":{\"ts\":5,\"x\":[{\"ts\":6}]},\"ts\":1704067200000}|1704067200000",
            "{\"ts\":1704067200000,\"meta\":{\"ts\":5}}|1704067200000",
            "{\"meta\":{\"ts\":1704067200000}}|" + Long.MIN_VALUE,
            "{\"list\":[1,{\"ts\":7}],\"ts\":8}|8",
            // strings that contain "ts", quotes and braces
            "{\"name\":\"\\\"ts\\\":1,}{\",\"ts\":9}|9",
            "{\"name\":\"ts\",\"group\":\"\\\\\",\"ts\":10}|10",
            "{\"name\":\"\\\"ts\\\":11\"}|" + Long.MIN_VALUE,
            "{\"ts \":12}|" + Long.MIN_VALUE,
            "{\"xts\":13}|" + Long.MIN_VALUE,
            // escaped key
            "{\"t\\u0073\":14}|14",
            "{\"t\\u0073x\":15}|" + Long.MIN_VALUE,
            // duplicate keys: the last one, as in the validator's tree
            "{\"ts\":1,\"ts\":16}|16",
            // anything after the object is not looked at (as in Jackson's readTree)
            "{\"ts\":17} trailing|17",
    })
    void readsTheTopLevelTs(String json, long expected) {
        assertThat(PayloadTimestamp.read(json)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"user\":\"u\"}",
            "{}",
            "[{\"ts\":1}]",
            "1704067200000",
            "\"ts\":1704067200000",
            "{\"ts\":\"1704067200000\"}",
            "{\"ts\":1704067200000.0}",
            "{\"ts\":1.7e12}",
            "{\"ts\":17E11}",
            "{\"ts\":0123}",
            "{\"ts\":+5}",
            "{\"ts\":-}",
            "{\"ts\":null}",
            "{\"ts\":true}",
            "{\"ts\":{\"ms\":1}}",
            "{\"ts\":[1]}",
            "{\"ts\":17040x}",
            "{\"ts\":99999999999999999999}",
            "{\"ts\":9223372036854775808}",
            "{\"ts\":1704067200000",
            "{\"ts\":1704067200000,",
            "{\"ts\":1704067200000,\"user\":\"trunc",
            "{\"ts\":1704067200000,\"user\":",
            "{\"ts\":1704067200000 \"user\":\"u\"}",
            "{\"ts\" 1704067200000}",
            "{ts:1704067200000}",
            "{\"ts\":1,\"meta\":{\"a\":[1,2}",
            "garbage",
    })
    void givesMissingForAnythingElse(String json) {
        assertThat(PayloadTimestamp.read(json)).isEqualTo(MISSING);
    }

    @Test
    void nullAndExtremes() {
        assertThat(PayloadTimestamp.read(null)).isEqualTo(MISSING);
        assertThat(PayloadTimestamp.read("  ")).isEqualTo(MISSING);
        assertThat(PayloadTimestamp.read("  {  \"user\" : \"u\" ,\n\t\"ts\" :\r 1704067200000 }  ")).isEqualTo(T);
        assertThat(PayloadTimestamp.read("{\"ts\":9223372036854775807}")).isEqualTo(Long.MAX_VALUE);
        assertThat(PayloadTimestamp.read("{\"ts\":-9223372036854775807}")).isEqualTo(-Long.MAX_VALUE);
    }

    /**
     * Whatever the validator accepts, the scanner reads the same ts: random valid records with
     * random field order, whitespace, nesting and escapes, and random single-character damage.
     */
    @Test
    void agreesWithTheValidatorOnEveryRecordItAccepts() {
        InteractionValidator validator = new InteractionValidator("interactions");
        Random rnd = new Random(11);
        int valid = 0;
        int damagedValid = 0;
        for (int n = 0; n < 20_000; n++) {
            String json = randomRecord(rnd);
            if (n % 2 == 1) {
                json = damage(json, rnd);
            }
            Validated<Interaction> v = validator.validate(json, 0);
            long read = PayloadTimestamp.read(json);
            if (v.isValid()) {
                assertThat(read).as(json).isEqualTo(v.value().ts);
                valid++;
                if (n % 2 == 1) {
                    damagedValid++;
                }
            }
        }
        assertThat(valid).isGreaterThan(10_000);
        assertThat(damagedValid).as("damage that still validates").isPositive();
    }

    private static String randomRecord(Random rnd) {
        String[] fields = {
                "\"ts\"" + ws(rnd) + ":" + ws(rnd) + (T + rnd.nextInt(1_000_000)),
                "\"user\":\"" + pick(rnd, "u1", "ts", "\\\"ts\\\":1", "a\\\\", "x}{]") + "\"",
                "\"group\":\"g" + rnd.nextInt(3) + "\"",
                "\"kind\":\"API_CALL\"",
                "\"cpuMillis\":" + rnd.nextInt(100),
                "\"meta\":" + pick(rnd, "{\"ts\":1}", "[{\"ts\":[2,{}]},\"ts\"]", "{\"a\":{\"b\":{\"ts\":\"x\"}}}", "null"),
        };
        for (int i = fields.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            String t = fields[i];
            fields[i] = fields[j];
            fields[j] = t;
        }
        StringBuilder sb = new StringBuilder(ws(rnd)).append('{');
        for (int i = 0; i < fields.length; i++) {
            sb.append(i == 0 ? "" : ",").append(ws(rnd)).append(fields[i]).append(ws(rnd));
        }
        if (rnd.nextInt(10) == 0) {
            sb.append(",\"ts\":").append(T + 5); // a duplicate: the last one wins
        }
        return sb.append('}').append(ws(rnd)).toString();
    }

    private static String damage(String json, Random rnd) {
        int at = rnd.nextInt(json.length());
        return switch (rnd.nextInt(3)) {
            case 0 -> json.substring(0, at);
            case 1 -> json.substring(0, at) + json.substring(at + 1);
            default -> json.substring(0, at) + "\"{}[],:.e-0 ".charAt(rnd.nextInt(12)) + json.substring(at);
        };
    }

    private static String ws(Random rnd) {
        return pick(rnd, "", "", " ", "\n\t");
    }

    private static String pick(Random rnd, String... options) {
        return options[rnd.nextInt(options.length)];
    }
}
