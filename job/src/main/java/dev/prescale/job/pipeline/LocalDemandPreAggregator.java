package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.Interaction;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Pre-aggregation ({@link PreAggregatingOperator}) of interactions whose users are pseudonymized
 * already (by {@link ValidateAndAnonymize} or {@link AnonymizeInteractions} before it): every
 * interaction's user is counted. Late interactions go to the side output unchanged.
 */
public class LocalDemandPreAggregator extends PreAggregatingOperator<Interaction> {
    private static final long serialVersionUID = 1L;

    public LocalDemandPreAggregator(long windowMillis, long allowedLatenessMillis, int maxKeys, OutputTag<Interaction> lateTag) {
        super(windowMillis, allowedLatenessMillis, maxKeys, lateTag);
    }

    @Override
    public void processElement(StreamRecord<Interaction> element) throws Exception {
        if (!element.hasTimestamp()) {
            // The same refusal as the event-time window it feeds.
            throw new IllegalStateException("Record has no timestamp: is the time characteristic set to 'ProcessingTime', "
                    + "or did you forget to call 'assignTimestampsAndWatermarks(...)'?");
        }
        aggregate(element.getValue(), element.getTimestamp());
    }

    @Override
    void addUser(Interaction i, Held held) {
        if (i.user != null) {
            held.users.add(i.user);
        }
    }

    @Override
    void late(Interaction i, long timestamp) {
        output.collect(lateTag, new StreamRecord<>(i, timestamp));
    }
}
