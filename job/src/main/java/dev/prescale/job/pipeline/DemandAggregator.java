package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.Interaction;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Adds interactions into a {@link DemandAccumulator} one by one, so a window never buffers events. */
public class DemandAggregator implements AggregateFunction<Interaction, DemandAccumulator, DemandAccumulator> {
    private static final long serialVersionUID = 1L;

    @Override
    public DemandAccumulator createAccumulator() {
        return new DemandAccumulator();
    }

    @Override
    public DemandAccumulator add(Interaction i, DemandAccumulator a) {
        addAmounts(i, a);
        if (i.user != null) {
            a.users.add(i.user);
        }
        return a;
    }

    /** Adds everything of one interaction but its user (the caller counts users its own way). */
    public void addAmounts(Interaction i, DemandAccumulator a) {
        double cpu = orZero(i.cpuMillis);
        a.cpuMillis += cpu;
        // DESIGN.md: memory is held for durationMs, which defaults to cpuMillis.
        double duration = i.durationMs != null ? i.durationMs : cpu;
        a.memMbMillis += orZero(i.memMb) * duration;
        a.netBytes += orZero(i.netBytes);
        a.bytesWritten += orZero(i.bytesWritten);
        if (i.kind != null) {
            switch (i.kind) {
                case API_CALL:
                    a.apiCalls++;
                    break;
                case DATA_ACCESS:
                    a.dataAccesses++;
                    break;
                default:
                    a.uiEvents++;
            }
        }
    }

    @Override
    public DemandAccumulator getResult(DemandAccumulator a) {
        return a;
    }

    @Override
    public DemandAccumulator merge(DemandAccumulator a, DemandAccumulator b) {
        a.cpuMillis += b.cpuMillis;
        a.memMbMillis += b.memMbMillis;
        a.netBytes += b.netBytes;
        a.bytesWritten += b.bytesWritten;
        a.apiCalls += b.apiCalls;
        a.dataAccesses += b.dataAccesses;
        a.uiEvents += b.uiEvents;
        a.users.addAll(b.users);
        return a;
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }
}
