package dev.prescale.job.io;

import dev.prescale.connectors.records.Interaction;
import dev.prescale.connectors.records.ScheduledEvent;
import dev.prescale.connectors.records.Utilization;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The job's inputs, built by the caller (Kafka in {@code PrescaleJobMain}, test or replay sources
 * elsewhere). Interactions come either as raw payloads (validated, dead-lettered and pseudonymized
 * by the job) or as {@link Interaction}s with raw user ids (pseudonymized by the job); exactly one
 * of the two is set. Scheduled events and utilization may be absent (null). Payload streams of the
 * side topics are validated by the job. Event time of the interactions is assigned by the job after
 * parsing, unless {@link #interactionEventTimeAssigned} says the source already did (the Kafka
 * source, per partition: see {@code InteractionEventTime.forPayloads}).
 */
public final class Sources {
    public final DataStream<String> interactionPayloads;
    public final DataStream<Interaction> interactions;
    public final DataStream<String> scheduledEventPayloads;
    public final DataStream<ScheduledEvent> scheduledEvents;
    public final DataStream<String> utilizationPayloads;
    public final DataStream<Utilization> utilization;
    /** Model-update control payloads (hot swap of the forecaster); null: no hot swap. */
    public final DataStream<String> modelUpdatePayloads;
    /**
     * True when the interaction payloads already carry event time and watermarks from their source
     * (stamped from each payload's ts, watermarks per Kafka partition); the job then adds none.
     */
    public final boolean interactionEventTimeAssigned;

    private Sources(DataStream<String> interactionPayloads, DataStream<Interaction> interactions,
            DataStream<String> scheduledEventPayloads, DataStream<ScheduledEvent> scheduledEvents,
            DataStream<String> utilizationPayloads, DataStream<Utilization> utilization,
            DataStream<String> modelUpdatePayloads, boolean interactionEventTimeAssigned) {
        this.interactionPayloads = interactionPayloads;
        this.interactions = interactions;
        this.scheduledEventPayloads = scheduledEventPayloads;
        this.scheduledEvents = scheduledEvents;
        this.utilizationPayloads = utilizationPayloads;
        this.utilization = utilization;
        this.modelUpdatePayloads = modelUpdatePayloads;
        this.interactionEventTimeAssigned = interactionEventTimeAssigned;
    }

    /** Raw JSON payloads of all three topics (as read from Kafka); the side topics may be null. */
    public static Sources ofPayloads(DataStream<String> interactions, DataStream<String> scheduledEvents,
            DataStream<String> utilization) {
        return new Sources(interactions, null, scheduledEvents, null, utilization, null, null, false);
    }

    /** Interaction records (raw user ids); scheduled events and utilization may be null. */
    public static Sources ofRecords(DataStream<Interaction> interactions, DataStream<ScheduledEvent> scheduledEvents,
            DataStream<Utilization> utilization) {
        return new Sources(null, interactions, null, scheduledEvents, null, utilization, null, false);
    }

    /** The same inputs plus the model-updates control payloads (null: no hot swap). */
    public Sources withModelUpdates(DataStream<String> modelUpdates) {
        return new Sources(interactionPayloads, interactions, scheduledEventPayloads, scheduledEvents,
                utilizationPayloads, utilization, modelUpdates, interactionEventTimeAssigned);
    }

    /**
     * The same inputs, stating that the interaction payloads already carry event time and watermarks
     * (their source used {@code InteractionEventTime.forPayloads}).
     */
    public Sources withInteractionEventTimeAssigned() {
        if (interactionPayloads == null) {
            throw new IllegalStateException("only interaction payloads can come with event time from their source");
        }
        return new Sources(interactionPayloads, interactions, scheduledEventPayloads, scheduledEvents,
                utilizationPayloads, utilization, modelUpdatePayloads, true);
    }
}
