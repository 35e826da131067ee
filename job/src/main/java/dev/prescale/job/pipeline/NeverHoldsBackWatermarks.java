package dev.prescale.job.pipeline;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks for a side input that must never move event time of the stream it is connected to
 * (scheduled events, announced at any time for any time; utilization, a feedback signal): the
 * stream marks itself idle for good, so a two-input operator follows its main input alone.
 *
 * <p>Why not a "far future" watermark: when the main input goes idle (a quiet source), Flink
 * combines the watermarks of the remaining active inputs only, so the operator's event time jumped
 * to the far future, fired every pending timer early and then dropped the main input's records as
 * late. Why not watermarks of its own: a quiet side topic then held every decision back whenever
 * idleness detection did not kick in. Both were seen on the MiniCluster. Records of an idle stream
 * still flow; each is placed in event time by the operator that receives it.
 */
public class NeverHoldsBackWatermarks<T> implements WatermarkGenerator<T> {

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.markIdle();
    }
}
