package dev.prescale.connectors.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.Interaction;
import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.connectors.records.ResourceAssessment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InteractionValidatorTest {

    private final InteractionValidator v = new InteractionValidator("interactions");

    @Test
    void acceptsAFullRecord() {
        Validated<Interaction> r = v.validate("{\"ts\":1704067200000,\"user\":\"u1\",\"group\":\"g\",\"kind\":\"api_call\","
                + "\"name\":\"GET /x\",\"cpuMillis\":12.5,\"memMb\":64,\"bytesWritten\":10,\"extra\":true}", 1);
        assertThat(r.isValid()).isTrue();
        Interaction i = r.value();
        assertThat(i.ts).isEqualTo(1704067200000L);
        assertThat(i.kind).isEqualTo(Interaction.Kind.API_CALL);
        assertThat(i.cpuMillis).isEqualTo(12.5);
        assertThat(i.durationMs).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json at all|not JSON",
        "[1,2]|not a JSON object",
        "{\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\"}|missing field ts",
        "{\"ts\":1704067200000,\"user\":\"u\",\"kind\":\"UI\"}|missing field group",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\"}|missing field kind",
        "{\"ts\":1704067200000,\"group\":\"g\",\"kind\":\"UI\"}|missing field user",
        "{\"ts\":1704067200,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\"}|ts 1704067200 is outside",
        "{\"ts\":\"soon\",\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\"}|ts is not an integer",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"PUSH\"}|unknown kind PUSH",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\",\"cpuMillis\":-1}|cpuMillis is negative",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\",\"memMb\":1e12}|memMb 1.0E12 is absurd",
        "{\"ts\":1704067200000,\"user\":\"u\",\"group\":\"g\",\"kind\":\"UI\",\"netBytes\":\"10\"}|netBytes is not a number",
    })
    void rejectsWithAReason(String payload, String reason) {
        Validated<Interaction> r = v.validate(payload, 42);
        assertThat(r.isValid()).isFalse();
        assertThat(r.deadLetter().reason).startsWith(reason);
        assertThat(r.deadLetter().payload).isEqualTo(payload);
        assertThat(r.deadLetter().sourceTopic).isEqualTo("interactions");
        assertThat(r.deadLetter().ts).isEqualTo(42);
    }

    @Test
    void emptyAndNullRecordsAreDeadLetters() {
        assertThat(v.validate("", 0).deadLetter().reason).isEqualTo("empty record");
        assertThat(v.validate(null, 0).deadLetter().reason).isEqualTo("empty record");
    }

    @Test
    void redactionReplacesTheUserFieldOnly() {
        String out = InteractionValidator.redactUser("{\"ts\":1,\"user\":\"alice\",\"group\":\"g\"}", u -> "H(" + u.length() + ")");
        assertThat(out).doesNotContain("alice").contains("\"user\":\"H(5)\"").contains("\"group\":\"g\"");
        assertThat(InteractionValidator.redactUser("garbage", u -> "x")).isEqualTo("garbage");
    }

    @Test
    void decisionsRoundTripAsJson() {
        ScalingDecision d = new ScalingDecision();
        d.target = "web";
        d.timestamp = 5;
        d.desiredCapacity = 3;
        d.reason = "because";
        ResourceAssessment a = new ResourceAssessment();
        a.forecastP50 = 1.5;
        a.risk = "HIGH";
        d.resources.put(ResourceType.CPU, a);
        String json = Json.write(d);
        assertThat(json).contains("\"CPU\"").contains("\"reason\":\"because\"");
        ScalingDecision back = Json.read(json, ScalingDecision.class);
        assertThat(back.resources.get(ResourceType.CPU).forecastP50).isEqualTo(1.5);
        assertThat(back.desiredCapacity).isEqualTo(3);
    }
}
