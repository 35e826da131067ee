package dev.prescale.job.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.json.Json;
import dev.prescale.connectors.records.ResourceAssessment;
import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecisionLineTest {

    private static ScalingDecision decision() {
        ScalingDecision d = new ScalingDecision();
        d.target = "web-asg";
        d.timestamp = Instant.parse("2026-01-05T19:05:00Z").toEpochMilli();
        d.desiredCapacity = 6;
        d.currentCapacity = 4;
        d.change = 2;
        d.warmPoolSize = 2;
        d.policy = "predictive";
        d.riskLevel = "HIGH";
        ResourceAssessment a = new ResourceAssessment();
        a.forecastP50 = 3.214;
        a.forecastP90 = 3.9;
        a.observed = 2.5;
        a.confidence = 0.83;
        a.risk = "HIGH";
        a.factor = 1.2;
        a.instances = 6;
        d.resources.put(ResourceType.CPU, a);
        return d;
    }

    @Test
    void showsForecastConfidenceDecisionAndCapacity() throws Exception {
        String line = DecisionLine.format(Json.mapper().readTree(Json.write(decision())),
                Optional.of(new GroupCapacity(6, 4, 2, 2)));
        assertThat(line).startsWith("01-05 19:05 UTC  web-asg");
        assertThat(line).contains("cpu forecast 3.21 (p90 3.90, now 2.50) conf 0.83 HIGH x1.2 ->6");
        assertThat(line).contains("predictive HIGH: desired 6 (+2), warm pool 2");
        assertThat(line).endsWith("group now: desired 6, in service 4, launching 2, warm 2");
    }

    @Test
    void withoutEndpointLeavesCapacityOutAndShowsNegativeChange() throws Exception {
        ScalingDecision d = decision();
        d.change = -1;
        String line = DecisionLine.format(Json.mapper().readTree(Json.write(d)), Optional.empty());
        assertThat(line).contains("desired 6 (-1)").doesNotContain("group now");
    }

    @Test
    void shortensLargeAmounts() {
        assertThat(DecisionLine.amount(1_234_567)).isEqualTo("1.2M");
        assertThat(DecisionLine.amount(45_600)).isEqualTo("45.6k");
        assertThat(DecisionLine.amount(Double.NaN)).isEqualTo("n/a");
    }
}
