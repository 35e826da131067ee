package dev.prescale.job;

import dev.prescale.connectors.json.ScheduledEventValidator;
import dev.prescale.connectors.json.UtilizationValidator;
import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Interaction;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.connectors.records.ScheduledEvent;
import dev.prescale.connectors.records.Utilization;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.forecast.ForecastBatchOperator;
import dev.prescale.job.forecast.ForecasterFactory;
import dev.prescale.job.forecast.ModelUpdate;
import dev.prescale.job.forecast.ModelUpdateValidator;
import dev.prescale.job.forecast.ModelLocationFactory;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.Sources;
import dev.prescale.job.io.StreamOutput;
import dev.prescale.job.io.UsageLogSink;
import dev.prescale.job.io.UsageRow;
import dev.prescale.job.pipeline.AnonymizeInteractions;
import dev.prescale.job.pipeline.AssignTarget;
import dev.prescale.job.pipeline.DeadLetters;
import dev.prescale.job.pipeline.DemandWindows;
import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.EngineDecider;
import dev.prescale.job.pipeline.GroupForecast;
import dev.prescale.job.pipeline.GroupHistoryFunction;
import dev.prescale.job.pipeline.GroupWindow;
import dev.prescale.job.pipeline.HmacKeySource;
import dev.prescale.job.pipeline.InteractionEventTime;
import dev.prescale.job.pipeline.KAnonymityFunction;
import dev.prescale.job.pipeline.NeverHoldsBackWatermarks;
import dev.prescale.job.pipeline.ScheduledEventFunction;
import dev.prescale.job.pipeline.TargetDecider;
import dev.prescale.job.pipeline.TargetDecisionFunction;
import dev.prescale.job.pipeline.TargetPartial;
import dev.prescale.job.pipeline.TargetPreAggregator;
import dev.prescale.job.pipeline.ValidateAndAnonymize;
import dev.prescale.job.pipeline.ValidatePayloads;
import dev.prescale.models.SummaryPlan;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Prescale pipeline, wired between sources and sinks it is given: validate and pseudonymize,
 * event-time windows per group, k-anonymity, history, batched forecasts, scheduled events, per
 * target decisions. {@link PrescaleJobMain} wires Kafka; tests and the trace replay wire their own.
 */
public final class PrescaleJob {

    private PrescaleJob() {}

    /** Flink settings from the configuration, through Flink's own options. */
    public static Configuration flinkConfiguration(PrescaleConfig c) {
        Configuration f = Configuration.fromMap(c.flink);
        f.set(PipelineOptions.NAME, c.jobName);
        // Every operator has a uid of its own; a missing one must fail the build of the graph.
        f.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        f.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(c.checkpointIntervalMillis()));
        f.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        f.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.checkpointing.directory);
        f.set(StateBackendOptions.STATE_BACKEND, c.checkpointing.stateBackend);
        // Every window reads each group's whole history: with RocksDB's default whole-file index
        // blocks in a small managed block cache, each read re-loaded a large index block (the
        // steady-state benchmark spent its time in RocksIterator.next, 100 % system CPU).
        // Partitioned index/filter blocks load only the partitions a read needs.
        defaultTo(f, RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS, true);
        // Chained operators hand records over without a serializer copy (an Interaction per event,
        // a forecast task per group and window). Safe here: no operator changes a record after
        // emitting it, and those that keep records (the forecast batch, heap state) keep ones
        // made for them. FlinkReplayITCase (heap state) checks the decisions against the offline replay.
        defaultTo(f, PipelineOptions.OBJECT_REUSE, true);
        // Timers in the heap (checkpointed with the keyed state): RocksDB timers cost a write and a
        // delete per group and window in the window operator, for no gain at these counts (one
        // timer per group and open window; 100,000 groups are a few MB).
        defaultTo(f, RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        // Incremental checkpoints: a full RocksDB snapshot iterates and rewrites the whole state at every
        // checkpoint (about 0.5 GB at 10,000 groups with two days of history, every 10 s in the
        // benchmark); an incremental one uploads only the SST files written since the last one. The
        // heap backend ignores the setting.
        defaultTo(f, CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // Bloom filters: most point lookups of the window state are for keys not there yet (a
        // group's first partial of a window), which without a filter search every level.
        defaultTo(f, RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // No network-buffer settings: the pre-aggregation's burst of partials when a window closes
        // (~1.65 MB at 10,000 groups) blocks the source until the window operator has taken most of
        // it (Flink 2 fixes 10 buffers per channel), ~4 % of its time in the benchmark. Bigger
        // buffers (taskmanager.memory.segment-size 256kb) removed that wait without raising the
        // throughput, and raised the decision latency (BENCHMARKS.md, ninth pass).
        if (c.parallelism > 0) {
            f.set(CoreOptions.DEFAULT_PARALLELISM, c.parallelism);
        }
        return f;
    }

    /**
     * Sets a Flink option to the job's default, unless the configuration's {@code flink:} section
     * (which {@code f} starts from) gives it, by its key or a deprecated one. Typed options, not
     * key strings: an option Flink drops fails the build instead of being set and silently ignored.
     */
    private static <T> void defaultTo(Configuration f, ConfigOption<T> option, T value) {
        if (!f.contains(option)) {
            f.set(option, value);
        }
    }

    /** The job with the scaling engine and the configured forecaster. */
    public static DataStream<ScalingDecision> build(StreamExecutionEnvironment env, PrescaleConfig config,
            Sources sources, Sinks sinks) {
        return build(env, config, sources, sinks, ModelLocationFactory.checked(config.forecast.model),
                new EngineDecider(config));
    }

    /** The job with a given forecaster factory and decider (tests, experiments). */
    public static DataStream<ScalingDecision> build(StreamExecutionEnvironment env, PrescaleConfig config,
            Sources sources, Sinks sinks, ForecasterFactory forecasters, TargetDecider decider) {
        env.configure(flinkConfiguration(config), PrescaleJob.class.getClassLoader());
        HmacKeySource key = new HmacKeySource(config.anonymization.keyEnv, config.anonymization.keyFile);
        String topic = config.kafka.interactionsTopic;
        long windowMillis = config.windowMillis();

        // 1. Validate and pseudonymize: the raw user id goes no further than the first operator.
        // 2. Event time: from the Kafka source, per partition (InteractionEventTime.forPayloads), or
        // assigned here after parsing for sources that carry none (tests, trace replays).
        // 3. Demand per group and window, incrementally (pre-aggregated before the keyBy with
        // window.localAggregation); later-than-allowed records to the side.
        DemandWindows demand;
        DataStream<DeadLetter> refused = null;
        if (sources.interactionPayloads != null && sources.interactionEventTimeAssigned && config.window.localAggregation) {
            // 1 and 3 in one operator (the production path): each user is pseudonymized once per group and window.
            demand = DemandWindows.ofStampedPayloads(sources.interactionPayloads, config, key);
            refused = demand.refused;
        } else {
            SingleOutputStreamOperator<Interaction> anonymized;
            if (sources.interactionPayloads != null) {
                anonymized = sources.interactionPayloads
                        .process(new ValidateAndAnonymize(topic, key, config.maxClockSkewMillis(), sources.interactionEventTimeAssigned))
                        .uid("validate-anonymize").name("validate + pseudonymize");
                refused = anonymized.getSideOutput(DeadLetters.TAG);
            } else {
                anonymized = sources.interactions
                        .map(new AnonymizeInteractions(key)).uid("anonymize").name("pseudonymize");
            }
            DataStream<Interaction> timed = sources.interactionEventTimeAssigned ? anonymized
                    : anonymized.assignTimestampsAndWatermarks(InteractionEventTime.forRecords(config))
                            .uid("watermarks-interactions").name("event time: interactions");
            demand = DemandWindows.of(timed, config);
        }
        SingleOutputStreamOperator<GroupWindow> windows = demand.windows;
        DataStream<DeadLetter> deadLetters = demand.lateDeadLetters;
        if (refused != null) {
            // Dead letters leave with the time they were rejected: a source that stamps event time gives a
            // bad record its payload's ts, which may be missing (Long.MIN_VALUE) or far ahead, and Kafka
            // refuses such record timestamps (negative, or beyond log.message.timestamp.after.max.ms).
            deadLetters = refused
                    .assignTimestampsAndWatermarks(WatermarkStrategy.<DeadLetter>forGenerator(c -> new NeverHoldsBackWatermarks<>())
                            .withTimestampAssigner((d, ts) -> d.ts))
                    .uid("dead-letter-time").name("dead letters: time of rejection")
                    .union(deadLetters);
        }

        // 4. k-anonymity across the groups of a window.
        DataStream<GroupWindow> anonymous = windows
                .keyBy(w -> w.windowEnd)
                .process(new KAnonymityFunction(config.anonymization.k, config.allowedLatenessMillis()))
                .uid("k-anonymity").name("k-anonymity (merge small groups into _other)");

        // 5. History per group and batched forecasts; model updates (if any) swap the model in place.
        // A forecaster that answers from per-group summaries lets the history read only a few chunks.
        SummaryPlan summaryPlan = forecasters.summaryPlan(windowMillis, config.horizonSteps());
        DataStream<ForecastTask> tasks = anonymous
                .keyBy(w -> w.group)
                .process(new GroupHistoryFunction(config.contextWindows(), windowMillis, config.horizonSteps(),
                        config.historyTtlMillis(), forecasters.usesCovariates(), GroupHistoryFunction.DEFAULT_CHUNK_WINDOWS,
                        summaryPlan).cacheBytes(config.historyCacheBytes()))
                .uid(GroupHistoryFunction.UID).name("group history");
        if (config.usageLog != null && config.usageLog.path != null && !config.usageLog.path.isBlank()) {
            // What the forecaster saw, after k-anonymity: the input of scripts/train.sh --usage.
            tasks.map(UsageRow::of).returns(TypeInformation.of(UsageRow.class)).uid("usage-rows").name("usage rows")
                    .sinkTo(new UsageLogSink(config.usageLog.path)).uid("sink-usage-log").name("usage log CSV")
                    .setParallelism(1);
        }
        ForecastBatchOperator forecastOperator =
                new ForecastBatchOperator(forecasters, config.forecast.batchSize, config.batchTimeoutMillis(), summaryPlan,
                        windowMillis, config.horizonSteps());
        String forecastName = "forecast (" + forecasters.location() + ")";
        DataStream<GroupForecast> forecasts;
        if (sources.modelUpdatePayloads != null) {
            ModelUpdateValidator v = new ModelUpdateValidator(config.kafka.modelUpdatesTopic);
            SingleOutputStreamOperator<ModelUpdate> updates = sources.modelUpdatePayloads
                    .process(new ValidatePayloads<ModelUpdate>(v::validate), TypeInformation.of(ModelUpdate.class))
                    .uid("validate-model-updates").name("validate model updates");
            deadLetters = deadLetters.union(updates.getSideOutput(DeadLetters.TAG));
            // A control stream: it must never hold back the event time of the forecasts.
            DataStream<ModelUpdate> updatesTimed = updates.assignTimestampsAndWatermarks(
                            WatermarkStrategy.<ModelUpdate>forGenerator(c -> new NeverHoldsBackWatermarks<>()))
                    .uid("watermarks-model-updates").name("model updates: no event-time hold");
            forecasts = tasks.connect(updatesTimed.broadcast())
                    .transform(forecastName, TypeInformation.of(GroupForecast.class), forecastOperator)
                    .uid("forecast");
        } else {
            forecasts = tasks.transform(forecastName, TypeInformation.of(GroupForecast.class), forecastOperator)
                    .uid("forecast");
        }

        // 6. Scheduled events add to the forecasts of their group.
        DataStream<ScheduledEvent> events = sources.scheduledEvents;
        if (sources.scheduledEventPayloads != null) {
            ScheduledEventValidator v = new ScheduledEventValidator(config.kafka.scheduledEventsTopic);
            SingleOutputStreamOperator<ScheduledEvent> parsed = sources.scheduledEventPayloads
                    .process(new ValidatePayloads<ScheduledEvent>(v::validate), TypeInformation.of(ScheduledEvent.class))
                    .uid("validate-scheduled-events").name("validate scheduled events");
            deadLetters = deadLetters.union(parsed.getSideOutput(DeadLetters.TAG));
            events = parsed;
        }
        if (events != null) {
            DataStream<ScheduledEvent> eventsTimed = events.assignTimestampsAndWatermarks(
                            WatermarkStrategy.<ScheduledEvent>forGenerator(c -> new NeverHoldsBackWatermarks<>())
                                    .withTimestampAssigner((e, ts) -> e.start))
                    .uid("watermarks-scheduled-events").name("scheduled events: no event-time hold");
            forecasts = forecasts
                    .keyBy(f -> f.group)
                    .connect(eventsTimed.broadcast(ScheduledEventFunction.EVENTS))
                    .process(new ScheduledEventFunction())
                    .uid("scheduled-events").name("add scheduled events");
        }

        // 7. Per target: sum the groups (partly before the keyBy: one record per target and window), track errors, decide.
        DataStream<TargetPartial> assigned = forecasts
                .flatMap(new AssignTarget(config.groupToTarget())).uid("assign-target").name("group -> target")
                .transform("sum forecasts per target and window (local)", TypeInformation.of(TargetPartial.class),
                        new TargetPreAggregator())
                .uid(TargetPreAggregator.UID);
        DataStream<Utilization> utilization = sources.utilization;
        if (sources.utilizationPayloads != null) {
            UtilizationValidator v = new UtilizationValidator(config.kafka.utilizationTopic);
            SingleOutputStreamOperator<Utilization> parsed = sources.utilizationPayloads
                    .process(new ValidatePayloads<Utilization>(v::validate), TypeInformation.of(Utilization.class))
                    .uid("validate-utilization").name("validate utilization");
            deadLetters = deadLetters.union(parsed.getSideOutput(DeadLetters.TAG));
            utilization = parsed;
        }
        if (utilization == null) {
            // An empty stream that lives as long as the interactions: a bounded empty source would
            // end at once and send the end-of-input watermark, and with the interactions idle the
            // decision operator's event time would then jump to the end of time. Hung off the
            // group windows, not the interactions: one call per group and window, not per event.
            utilization = anonymous
                    .flatMap((GroupWindow w, org.apache.flink.util.Collector<Utilization> none) -> { })
                    .returns(TypeInformation.of(Utilization.class))
                    .uid("no-utilization-records").name("no utilization records");
        }
        // Utilization is feedback: it never moves event time (see NeverHoldsBackWatermarks); each
        // record is still applied at its own event time by TargetDecisionFunction.
        DataStream<Utilization> utilizationTimed = utilization.assignTimestampsAndWatermarks(
                        WatermarkStrategy.<Utilization>forGenerator(c -> new NeverHoldsBackWatermarks<>())
                                .withTimestampAssigner((u, ts) -> u.ts))
                .uid("watermarks-utilization").name("utilization: no event-time hold");
        DataStream<ScalingDecision> decisions = assigned
                .keyBy(f -> f.target)
                .connect(utilizationTimed.keyBy(u -> u.target))
                .process(new TargetDecisionFunction(decider), TypeInformation.of(ScalingDecision.class))
                .uid("target-decisions").name("scaling decisions per target");

        // 8. Outputs.
        for (StreamOutput<ScalingDecision> out : sinks.decisions) {
            out.attach(decisions);
        }
        if (sinks.deadLetters != null) {
            sinks.deadLetters.attach(deadLetters);
        }
        return decisions;
    }
}
