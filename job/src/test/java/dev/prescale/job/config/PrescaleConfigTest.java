package dev.prescale.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrescaleConfigTest {

    private static PrescaleConfig load(String yaml) throws Exception {
        return PrescaleConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String TARGETS = "targets:\n  - name: web\n    groups: [a, '*']\n    maxCapacity: 7\n";

    @Test
    void theShippedExampleIsValid() throws Exception {
        PrescaleConfig c = PrescaleConfig.load(Path.of("../config/prescale.yaml"));
        assertThat(c.windowMillis()).isEqualTo(60_000);
        assertThat(c.contextWindows()).isEqualTo(2880);
        assertThat(c.horizonSteps()).isEqualTo(15);
        assertThat(c.groupToTarget()).containsEntry("checkout", "web-asg").containsEntry("*", "batch-asg");
        assertThat(c.policyFor("web-asg").minCapacity).isEqualTo(2);
        assertThat(c.policyFor("batch-asg").minCapacity).isEqualTo(1);
        assertThat(c.scaling.resources).hasSize(2);
    }

    @Test
    void derivedValuesAndPerTargetLimits() throws Exception {
        PrescaleConfig c = load("window: {size: 5m}\nforecast: {context: 1h, horizons: [10m, 1h]}\n" + TARGETS);
        assertThat(c.contextWindows()).isEqualTo(12);
        assertThat(c.horizonSteps()).isEqualTo(12);
        assertThat(c.policyFor("web").maxCapacity).isEqualTo(7);
        assertThat(c.scaling.maxCapacity).isEqualTo(100); // the shared policy is untouched
        assertThat(c.historyCacheBytes()).isEqualTo(128L << 20);
        assertThat(load("forecast: {historyCacheSize: 0}\n" + TARGETS).historyCacheBytes()).isZero();
        assertThat(load("forecast: {historyCacheSize: 1gb}\n" + TARGETS).historyCacheBytes()).isEqualTo(1L << 30);
    }

    @Test
    void wrongValuesNameTheirKey() {
        assertThatThrownBy(() -> load("window: {size: 1 minute}\n" + TARGETS))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("window.size"));
        assertThatThrownBy(() -> load("anonymization: {k: 0}\n" + TARGETS))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("anonymization.k"));
        assertThatThrownBy(() -> load("aws: {mode: yolo}\n" + TARGETS))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("aws.mode"));
        assertThatThrownBy(() -> load("scaling: {maxCapacity: 0}\n" + TARGETS))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("scaling.maxCapacity"));
        assertThatThrownBy(() -> load("forecast: {historyCacheSize: lots}\n" + TARGETS))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("forecast.historyCacheSize"));
        assertThatThrownBy(() -> load("forecast: {historyCacheSize: -1mb}\n" + TARGETS))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("forecast.historyCacheSize"));
        assertThatThrownBy(() -> load("windw: {size: 1m}\n" + TARGETS))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("windw"));
        assertThatThrownBy(() -> load("kafka: {bootstrapServers: x}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("targets"));
        assertThatThrownBy(() -> load("targets:\n  - {name: a, groups: [x]}\n  - {name: b, groups: [x]}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("targets.1.groups"));
    }
}
