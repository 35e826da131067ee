package dev.prescale.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prescale.job.config.ConfigException;
import dev.prescale.job.config.PrescaleConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration key with an invalid value is rejected when the configuration is loaded (at
 * job start), and the message names the key: one case per key, wrong types and unknown keys too.
 */
class InvalidConfigurationTest {

    private static final String TARGETS = "targets:\n  - name: web\n    groups: [a, '*']\n";

    private static Arguments bad(String expectedKey, String yaml) {
        return Arguments.of(expectedKey, yaml);
    }

    private static String cpu(String fields) {
        return "scaling: {resources: {cpu: {" + fields + "}}}\n";
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                bad("jobName", "jobName: ' '\n"),
                bad("parallelism", "parallelism: -1\n"),
                bad("parallelism", "parallelism: two\n"),
                bad("kafka.bootstrapServers", "kafka: {bootstrapServers: ''}\n"),
                bad("kafka.groupId", "kafka: {groupId: ' '}\n"),
                bad("kafka.transactionalIdPrefix", "kafka: {transactionalIdPrefix: ''}\n"),
                bad("kafka.interactionsTopic", "kafka: {interactionsTopic: ''}\n"),
                bad("kafka.scheduledEventsTopic", "kafka: {scheduledEventsTopic: ''}\n"),
                bad("kafka.utilizationTopic", "kafka: {utilizationTopic: ''}\n"),
                bad("kafka.decisionsTopic", "kafka: {decisionsTopic: ''}\n"),
                bad("kafka.startingOffsets", "kafka: {startingOffsets: middle}\n"),
                bad("kafka.bootstrapServer", "kafka: {bootstrapServer: x}\n"),
                bad("window.size", "window: {size: 500ms}\n"),
                bad("window.size", "window: {size: 1 minute}\n"),
                bad("window.maxOutOfOrderness", "window: {maxOutOfOrderness: -5s}\n"),
                bad("window.idleness", "window: {idleness: 0s}\n"),
                bad("window.allowedLateness", "window: {allowedLateness: soon}\n"),
                bad("window.maxClockSkew", "window: {maxClockSkew: 0s}\n"),
                bad("window.maxClockSkew", "window: {maxClockSkew: never}\n"),
                bad("window.maxClockSkew", "window: {maxClockSkew: null}\n"),
                bad("window.localAggregation", "window: {localAggregation: maybe}\n"),
                bad("window.localAggregationMaxKeys", "window: {localAggregationMaxKeys: 0}\n"),
                bad("window.localAggregationMaxKeys", "window: {localAggregationMaxKeys: many}\n"),
                bad("anonymization.k", "anonymization: {k: 0}\n"),
                bad("anonymization.k", "anonymization: {k: many}\n"),
                bad("anonymization.keyEnv", "anonymization: {keyEnv: ''}\n"),
                bad("forecast.model", "forecast: {model: ''}\n"),
                bad("forecast.context", "forecast: {context: 10s}\n"),
                bad("forecast.horizons", "forecast: {horizons: []}\n"),
                bad("forecast.horizons.1", "forecast: {horizons: [15m, 0m]}\n"),
                bad("forecast.batchSize", "forecast: {batchSize: 0}\n"),
                bad("forecast.batchSize", "forecast: {batchSize: 200000}\n"),
                bad("forecast.batchTimeout", "forecast: {batchTimeout: 0ms}\n"),
                bad("forecast.historyTtl", "forecast: {historyTtl: forever}\n"),
                bad("scaling.mode", "scaling: {mode: aggressive}\n"),
                bad("scaling.minCapacity", "scaling: {minCapacity: -1}\n"),
                bad("scaling.maxCapacity", "scaling: {maxCapacity: 0}\n"),
                bad("scaling.maxCapacity", "scaling: {maxCapacity: 1.5}\n"),
                bad("scaling.maxStepUp", "scaling: {maxStepUp: 0}\n"),
                bad("scaling.maxStepDown", "scaling: {maxStepDown: 0}\n"),
                bad("scaling.scaleInCooldownSeconds", "scaling: {scaleInCooldownSeconds: -1}\n"),
                bad("scaling.stabilizationWindowSeconds", "scaling: {stabilizationWindowSeconds: -1}\n"),
                bad("scaling.coldLaunchLeadSeconds", "scaling: {coldLaunchLeadSeconds: -1}\n"),
                bad("scaling.warmLaunchLeadSeconds", "scaling: {warmLaunchLeadSeconds: 900, coldLaunchLeadSeconds: 600}\n"),
                bad("scaling.warmPoolPrepareLeadSeconds", "scaling: {warmPoolPrepareLeadSeconds: -1}\n"),
                bad("scaling.warmPoolEnabled", "scaling: {warmPoolEnabled: maybe}\n"),
                bad("scaling.warmPoolMinFraction", "scaling: {warmPoolMinFraction: -0.1}\n"),
                bad("scaling.warmPoolMaxFraction", "scaling: {warmPoolMaxFraction: 0.05}\n"),
                bad("scaling.reactiveTargetUtilization", "scaling: {reactiveTargetUtilization: 0}\n"),
                bad("scaling.reactiveTargetUtilization", "scaling: {reactiveTargetUtilization: .nan}\n"),
                bad("scaling.resources", "scaling: {resources: {}}\n"),
                bad("scaling.resources.gpu", "scaling: {resources: {gpu: {}}}\n"),
                bad("scaling.resources.cpu.capacityPerInstance", cpu("capacityPerInstance: 0")),
                bad("scaling.resources.cpu.capacityPerInstance", cpu("capacityPerInstance: .inf")),
                bad("scaling.resources.cpu.factorHigh", cpu("factorHigh: 0")),
                bad("scaling.resources.cpu.factorMedium", cpu("factorMedium: 6")),
                bad("scaling.resources.cpu.factorLow", cpu("factorLow: -1")),
                bad("scaling.resources.cpu.highConfidence", cpu("highConfidence: 1.5")),
                bad("scaling.resources.cpu.mediumConfidence", cpu("mediumConfidence: 0.9")),
                bad("scaling.resources.cpu.confidenceFloor", cpu("confidenceFloor: 0.6")),
                bad("scaling.resources.cpu.minHistorySteps", cpu("minHistorySteps: -1")),
                bad("scaling.resources.cpu.headroomPerError", cpu("headroomPerError: 11")),
                bad("scaling.resources.cpu.maxHeadroom", cpu("maxHeadroom: -1")),
                bad("scaling.resources.cpu.minHeadroom", cpu("minHeadroom: 0.5")),
                bad("scaling.resources.cpu.targetMissRate", cpu("targetMissRate: 0.6")),
                bad("scaling.resources.cpu.calibrationGamma", cpu("calibrationGamma: 2")),
                bad("scaling.resources.cpu.maxMissLevel", cpu("maxMissLevel: 1.5")),
                bad("scaling.resources.cpu.minMissLevel", cpu("minMissLevel: 0.05")),
                bad("scaling.resources.cpu.maxScoreRatio", cpu("maxScoreRatio: 0.5")),
                bad("scaling.resources.cpu.calibrationWindowSteps", cpu("calibrationWindowSteps: 0")),
                bad("scaling.resources.cpu.minCalibrationScores", cpu("minCalibrationScores: 0")),
                bad("scaling.resources.cpu.calibrationFloor", cpu("calibrationFloor: 0")),
                bad("scaling.resources.cpu.levelSmoothing", cpu("levelSmoothing: 0")),
                bad("scaling.resources.cpu.biasSmoothing", cpu("biasSmoothing: 2")),
                bad("scaling.resources.cpu.volatilitySmoothing", cpu("volatilitySmoothing: 0")),
                bad("scaling.resources.cpu.maxScaledScore", cpu("maxScaledScore: 0")),
                bad("scaling.resources.cpu.pointWeightLast", cpu("pointWeightLast: -1")),
                bad("scaling.resources.cpu.pointWeightLevel", cpu("pointWeightLevel: 101")),
                bad("scaling.resources.cpu.pointWeightForecast", cpu("pointWeightForecast: .nan")),
                bad("scaling.resources.cpu.pointWeightLast", cpu("pointWeightLast: 0, pointWeightLevel: 0")),
                bad("scaling.resources.cpu.pointMix", cpu("pointMix: mean")),
                bad("scaling.resources.cpu.pointErrorSmoothing", cpu("pointErrorSmoothing: 0")),
                bad("scaling.resources.cpu.scoreExponent", cpu("scoreExponent: 2")),
                bad("scaling.resources.cpu.stepBands", cpu("stepBands: null")),
                bad("scaling.resources.cpu.stepBands[0].lowerBound", cpu("stepBands: [{lowerBound: -1}]")),
                bad("scaling.resources.cpu.stepBands[0].adjustment", cpu("stepBands: [{lowerBound: 0, adjustment: 0.5}]")),
                bad("scaling.resources.cpu.calibrated", cpu("calibrated: sometimes")),
                bad("targets", "targets: []\n"),
                bad("targets", "targets: web\n"),
                bad("targets.0.name", "targets:\n  - {name: '', groups: [a]}\n"),
                bad("targets.1.name", "targets:\n  - {name: w, groups: [a]}\n  - {name: w, groups: [b]}\n"),
                bad("targets.0.groups", "targets:\n  - {name: w, groups: []}\n"),
                bad("targets.1.groups", "targets:\n  - {name: a, groups: [x]}\n  - {name: b, groups: [x]}\n"),
                bad("targets.0.minCapacity", "targets:\n  - {name: w, groups: [a], minCapacity: -2}\n"),
                bad("targets.0.maxCapacity", "targets:\n  - {name: w, groups: [a], minCapacity: 5, maxCapacity: 4}\n"),
                bad("checkpointing.interval", "checkpointing: {interval: 0s}\n"),
                bad("checkpointing.directory", "checkpointing: {directory: ''}\n"),
                bad("checkpointing.stateBackend", "checkpointing: {stateBackend: memory}\n"),
                bad("aws.mode", "aws: {mode: yolo}\n"),
                bad("aws.region", "aws: {region: ''}\n"),
                bad("aws.endpointOverride", "aws: {endpointOverride: 'not a url'}\n"),
                bad("flink", "flink: [a, b]\n"),
                bad("windw", "windw: {size: 1m}\n"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalidValues")
    void anInvalidValueIsRejectedNamingItsKey(String expectedKey, String yaml) {
        String full = yaml.contains("targets:") ? yaml : yaml + TARGETS;
        assertThatThrownBy(() -> PrescaleConfig.load(new ByteArrayInputStream(full.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo(expectedKey);
                    assertThat(e.getMessage()).contains(expectedKey);
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validVariants")
    void theValidNeighboursOfThoseValuesLoad(String yaml) throws Exception {
        // The cases above fail for their value, not for the shape of the YAML around it.
        String full = yaml.contains("targets:") ? yaml : yaml + TARGETS;
        assertThat(PrescaleConfig.load(new ByteArrayInputStream(full.getBytes(StandardCharsets.UTF_8)))).isNotNull();
    }

    static Stream<String> validVariants() {
        return Stream.of("parallelism: 2\n", "window: {size: 1s, maxOutOfOrderness: 0s}\n",
                "window: {localAggregation: false, localAggregationMaxKeys: 1}\n", "anonymization: {k: 1}\n",
                "forecast: {horizons: [15m, 1h], batchSize: 1}\n", "scaling: {maxCapacity: 1, minCapacity: 1}\n",
                cpu("capacityPerInstance: 0.5, stepBands: [{lowerBound: 0.2, adjustment: 1.5}]"),
                "aws: {endpointOverride: 'http://localhost:4566'}\n", "checkpointing: {stateBackend: hashmap}\n",
                "flink: {taskmanager.numberOfTaskSlots: '2'}\n");
    }
}
