package dev.prescale.job.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.json.Validated;
import org.junit.jupiter.api.Test;

class ModelUpdateValidatorTest {
    private final ModelUpdateValidator v = new ModelUpdateValidator("model-updates");

    @Test
    void acceptsALocationWithAndWithoutVersion() {
        Validated<ModelUpdate> a = v.validate("{\"location\":\"/models/lstm/2\",\"version\":\"lstm-quantile/2\"}", 5);
        assertThat(a.isValid()).isTrue();
        assertThat(a.value().location).isEqualTo("/models/lstm/2");
        assertThat(a.value().version).isEqualTo("lstm-quantile/2");
        Validated<ModelUpdate> b = v.validate("{\"location\":\"snaive\"}", 5);
        assertThat(b.isValid()).isTrue();
        assertThat(b.value().version).isNull();
    }

    @Test
    void rejectsWhatIsNotAnUpdateToTheTopicsDeadLetters() {
        for (String bad : new String[] {"", "not json", "[1]", "{}", "{\"location\":\"  \"}", "{\"location\":3}",
                "{\"location\":\"x\",\"version\":7}", "{\"location\":\"x\",\"extra\":1}"}) {
            Validated<ModelUpdate> r = v.validate(bad, 42);
            assertThat(r.isValid()).as(bad).isFalse();
            assertThat(r.deadLetter().sourceTopic).isEqualTo("model-updates");
            assertThat(r.deadLetter().ts).isEqualTo(42);
            assertThat(r.deadLetter().reason).isNotBlank();
        }
    }
}
