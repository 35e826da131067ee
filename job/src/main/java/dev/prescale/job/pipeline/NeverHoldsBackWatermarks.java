package dev.prescale.job.pipeline;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks for a stream that is not ordered in event time and must never hold back the stream it
 * is connected to (scheduled events: announced at any time for any time). Emits "far future",
 * one below the end-of-input watermark so nothing downstream takes it for the end of the stream.
 */
public class NeverHoldsBackWatermarks<T> implements WatermarkGenerator<T> {

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(new Watermark(Long.MAX_VALUE - 1));
    }
}
