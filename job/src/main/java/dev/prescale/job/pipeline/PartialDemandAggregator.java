package dev.prescale.job.pipeline;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Adds pre-aggregated {@link PartialDemand}s into the window's {@link DemandAccumulator}: the same
 * window state type as {@link DemandAggregator}, so savepoints of the per-event build restore.
 */
public class PartialDemandAggregator implements AggregateFunction<PartialDemand, DemandAccumulator, DemandAccumulator> {
    private static final long serialVersionUID = 1L;

    // The merge of two sums is the per-event aggregator's own (one definition of the sums).
    private final DemandAggregator sums = new DemandAggregator();

    @Override
    public DemandAccumulator createAccumulator() {
        return sums.createAccumulator();
    }

    @Override
    public DemandAccumulator add(PartialDemand p, DemandAccumulator a) {
        return sums.merge(a, p.sums);
    }

    @Override
    public DemandAccumulator getResult(DemandAccumulator a) {
        return a;
    }

    @Override
    public DemandAccumulator merge(DemandAccumulator a, DemandAccumulator b) {
        return sums.merge(a, b);
    }
}
