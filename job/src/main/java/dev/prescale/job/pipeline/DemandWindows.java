package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Interaction;
import dev.prescale.job.config.PrescaleConfig;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * Step 3 of the job: demand per group and tumbling window, and the dead letters of records that
 * came too late. Either per event (every interaction through {@code keyBy(group)} into the window),
 * or, with {@code window.localAggregation}, pre-aggregated per group and window before the
 * {@code keyBy} ({@link LocalDemandPreAggregator}); both give the same windows and the same late
 * records, and the window operator (uid {@value #WINDOW_UID}: Flink's {@code WindowOperator} per event,
 * {@link PartialDemandWindowOperator} over partials) keeps the same state.
 */
public final class DemandWindows {

    /** The window operator's uid: its state is in every savepoint. */
    public static final String WINDOW_UID = "window-demand";
    /** Interactions later than the allowed lateness (from the window, or from the pre-aggregator). */
    public static final OutputTag<Interaction> LATE = new OutputTag<>("late-interactions") {};
    /** Partials later than the allowed lateness at the window (none by construction; never dropped). */
    public static final OutputTag<PartialDemand> LATE_PARTIALS = new OutputTag<>("late-partials") {};

    /** One group's demand per closed window (and re-firings within the allowed lateness). */
    public final SingleOutputStreamOperator<GroupWindow> windows;
    /** Dead letters of the late records. */
    public final DataStream<DeadLetter> lateDeadLetters;
    /**
     * Dead letters of the payloads refused at the door, stamped with their payload's event time or
     * none (only from {@link #ofStampedPayloads}; null otherwise).
     */
    public final DataStream<DeadLetter> refused;

    private DemandWindows(SingleOutputStreamOperator<GroupWindow> windows, DataStream<DeadLetter> lateDeadLetters,
            DataStream<DeadLetter> refused) {
        this.windows = windows;
        this.lateDeadLetters = lateDeadLetters;
        this.refused = refused;
    }

    /** The uid of the first operator of {@link #ofStampedPayloads} (stateless). */
    public static final String ANONYMIZING_PRE_AGGREGATION_UID = "validate-anonymize-pre-aggregate";

    /**
     * The windows of raw payloads that the source validated and stamped with event time, with
     * {@code window.localAggregation}: validation, pseudonymization and pre-aggregation in one operator
     * ({@link AnonymizingPreAggregator}), which pseudonymizes each user once per group and window.
     */
    public static DemandWindows ofStampedPayloads(DataStream<String> payloads, PrescaleConfig config, HmacKeySource key) {
        if (!config.window.localAggregation) {
            throw new IllegalArgumentException("pre-aggregation of payloads needs window.localAggregation");
        }
        String topic = config.kafka.interactionsTopic;
        long windowMillis = config.windowMillis();
        long lateness = config.allowedLatenessMillis();
        SingleOutputStreamOperator<PartialDemand> partials = payloads
                .transform("validate + pseudonymize + pre-aggregate per group and window (local)",
                        TypeInformation.of(PartialDemand.class),
                        new AnonymizingPreAggregator(topic, key, config.maxClockSkewMillis(), windowMillis, lateness,
                                config.window.localAggregationMaxKeys, LATE))
                .uid(ANONYMIZING_PRE_AGGREGATION_UID);
        return fromPartialsWithDeadLetters(partials, config, partials.getSideOutput(DeadLetters.TAG));
    }

    /** The windows of event-time-stamped interactions, wired as the configuration says. */
    public static DemandWindows of(DataStream<Interaction> timed, PrescaleConfig config) {
        String topic = config.kafka.interactionsTopic;
        long windowMillis = config.windowMillis();
        long lateness = config.allowedLatenessMillis();
        if (!config.window.localAggregation) {
            SingleOutputStreamOperator<GroupWindow> windows = perEvent(timed, windowMillis, lateness, config.anonymization.k);
            DataStream<DeadLetter> late = windows.getSideOutput(LATE)
                    .map(new LateToDeadLetter(topic)).uid("late-records").name("late records");
            return new DemandWindows(windows, late, null);
        }
        SingleOutputStreamOperator<PartialDemand> partials = preAggregated(timed, windowMillis, lateness,
                config.window.localAggregationMaxKeys);
        return fromPartialsWithDeadLetters(partials, config, null);
    }

    private static DemandWindows fromPartialsWithDeadLetters(SingleOutputStreamOperator<PartialDemand> partials,
            PrescaleConfig config, DataStream<DeadLetter> refused) {
        String topic = config.kafka.interactionsTopic;
        long windowMillis = config.windowMillis();
        long lateness = config.allowedLatenessMillis();
        SingleOutputStreamOperator<GroupWindow> windows = fromPartials(partials, windowMillis, lateness, config.anonymization.k,
                config.window.localAggregationMaxKeys);
        DataStream<DeadLetter> late = partials.getSideOutput(LATE)
                .map(new LateToDeadLetter(topic)).uid("late-records").name("late records");
        DataStream<DeadLetter> latePartials = windows.getSideOutput(LATE_PARTIALS)
                .map(new LatePartialToDeadLetter(topic)).uid("late-partials").name("late partials");
        return new DemandWindows(windows, late.union(latePartials), refused);
    }

    /** Every interaction through the keyBy into the window (the job before local aggregation). */
    static SingleOutputStreamOperator<GroupWindow> perEvent(DataStream<Interaction> timed, long windowMillis, long lateness) {
        return perEvent(timed, windowMillis, lateness, Integer.MAX_VALUE);
    }

    /** @param k k-anonymity's k: groups of k or more users go on without their user ids */
    static SingleOutputStreamOperator<GroupWindow> perEvent(DataStream<Interaction> timed, long windowMillis, long lateness,
            int k) {
        return timed
                .keyBy(i -> i.group)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(windowMillis)))
                .allowedLateness(Duration.ofMillis(lateness))
                .sideOutputLateData(LATE)
                .aggregate(new DemandAggregator(), new WindowResultFunction(lateness, k))
                .uid(WINDOW_UID).name("demand per group and window");
    }

    /** Sums per group and window before the keyBy; chained to its input, stateless. */
    static SingleOutputStreamOperator<PartialDemand> preAggregated(DataStream<Interaction> timed, long windowMillis,
            long lateness, int maxKeys) {
        return timed
                .transform("pre-aggregate per group and window (local)", TypeInformation.of(PartialDemand.class),
                        new LocalDemandPreAggregator(windowMillis, lateness, maxKeys, LATE))
                .uid("local-pre-aggregation");
    }

    /**
     * The window over pre-aggregated partials ({@link PartialDemandWindowOperator}: open windows in heap,
     * in keyed state at each checkpoint): same windows, lateness, state and uid as {@link #perEvent}.
     */
    static SingleOutputStreamOperator<GroupWindow> fromPartials(DataStream<PartialDemand> partials, long windowMillis, long lateness) {
        return fromPartials(partials, windowMillis, lateness, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * @param k k-anonymity's k: groups of k or more users go on without their user ids
     * @param maxHeld (group, window) sums the window holds in heap at most (more: spilled to state)
     */
    static SingleOutputStreamOperator<GroupWindow> fromPartials(DataStream<PartialDemand> partials, long windowMillis,
            long lateness, int k, int maxHeld) {
        return partials
                .keyBy(p -> p.group)
                .transform("demand per group and window", TypeInformation.of(GroupWindow.class),
                        new PartialDemandWindowOperator(windowMillis, lateness, k, maxHeld, LATE_PARTIALS))
                .uid(WINDOW_UID);
    }
}
