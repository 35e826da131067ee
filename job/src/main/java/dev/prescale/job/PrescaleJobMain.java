package dev.prescale.job;

import dev.prescale.connectors.aws.AutoScalingSink;
import dev.prescale.connectors.aws.AutoScalingSinkConfig;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.config.ConfigException;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.io.DecisionLogSink;
import dev.prescale.job.io.KafkaIo;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.StreamOutput;
import dev.prescale.job.pipeline.HmacKeySource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs Prescale against Kafka: {@code PrescaleJobMain --config prescale.yaml}. The anonymization
 * key is read from the environment variable or key file named in the configuration, never from
 * the command line.
 */
public final class PrescaleJobMain {

    private PrescaleJobMain() {}

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                usage("unknown argument " + args[i]);
            }
        }
        if (configFile == null) {
            usage("--config FILE is required");
        }
        PrescaleConfig config;
        try {
            config = PrescaleConfig.load(configFile);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // Fail here rather than on every TaskManager when the key is missing; the key is not kept.
        new HmacKeySource(config.anonymization.keyEnv, config.anonymization.keyFile).load();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(PrescaleJob.flinkConfiguration(config));
        List<StreamOutput<ScalingDecision>> decisionOutputs = new ArrayList<>();
        decisionOutputs.add(KafkaIo.decisionSink(config));
        if (config.decisionLog.path != null && !config.decisionLog.path.isBlank()) {
            decisionOutputs.add(StreamOutput.single(new DecisionLogSink(config.decisionLog.path), "sink-decision-log", "decision log CSV"));
        }
        AutoScalingSink aws = new AutoScalingSink(AutoScalingSinkConfig.builder()
                .mode(config.aws.mode)
                .region(config.aws.region)
                .endpointOverride(config.aws.endpointOverride)
                .warmPoolEnabled(config.scaling.warmPoolEnabled)
                .build());
        decisionOutputs.add(aws::attach);
        PrescaleJob.build(env, config, KafkaIo.sources(env, config), new Sinks(decisionOutputs, KafkaIo.deadLetterSink(config)));
        env.execute(config.jobName);
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: PrescaleJobMain --config FILE");
        System.exit(2);
    }
}
