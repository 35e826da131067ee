package dev.prescale.connectors.kafka;

/** The topic names of DESIGN.md, and the dead-letter naming rule. */
public final class KafkaTopics {
    public static final String INTERACTIONS = "interactions";
    public static final String SCHEDULED_EVENTS = "scheduled-events";
    public static final String UTILIZATION = "utilization";
    public static final String SCALING_DECISIONS = "scaling-decisions";
    public static final String DLQ_SUFFIX = "-dlq";

    private KafkaTopics() {}

    /** The dead-letter topic of a source topic: {@code <topic>-dlq}. */
    public static String deadLetterTopic(String sourceTopic) {
        return sourceTopic + DLQ_SUFFIX;
    }
}
