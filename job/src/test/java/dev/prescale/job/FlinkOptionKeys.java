package dev.prescale.job;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.NettyShuffleEnvironmentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/**
 * The keys (and deprecated keys) that Flink's option classes declare, read from their
 * {@link ConfigOption} fields: a key Flink no longer declares is set and silently ignored.
 */
final class FlinkOptionKeys {

    private static final Class<?>[] OPTION_CLASSES = {
        CheckpointingOptions.class, CoreOptions.class, DeploymentOptions.class, ExecutionOptions.class,
        JobManagerOptions.class, MetricOptions.class, NettyShuffleEnvironmentOptions.class, PipelineOptions.class,
        RestOptions.class, RestartStrategyOptions.class, StateBackendOptions.class, StateRecoveryOptions.class,
        TaskManagerOptions.class, WebOptions.class, RocksDBConfigurableOptions.class, RocksDBOptions.class,
    };

    private FlinkOptionKeys() {}

    /** Every key and fallback key declared by the option classes this project's settings come from. */
    static Set<String> declared() {
        Set<String> keys = new TreeSet<>();
        for (Class<?> c : OPTION_CLASSES) {
            for (Field field : c.getFields()) {
                if (!Modifier.isStatic(field.getModifiers()) || !ConfigOption.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                ConfigOption<?> option;
                try {
                    option = (ConfigOption<?>) field.get(null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                keys.add(option.key());
                for (FallbackKey fallback : option.fallbackKeys()) {
                    keys.add(fallback.getKey());
                }
            }
        }
        return keys;
    }
}
