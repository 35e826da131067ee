package dev.prescale.job.pipeline;

import dev.prescale.job.config.PrescaleConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Sets the scaling target of a group's forecast from the configuration; a group that no target
 * names (and no {@code "*"} target) feeds nothing and is counted in {@code unassignedGroupForecasts}.
 */
public class AssignTarget extends RichFlatMapFunction<GroupForecast, GroupForecast> {
    private static final long serialVersionUID = 1L;

    private final HashMap<String, String> groupToTarget;
    private transient Counter unassigned;

    public AssignTarget(Map<String, String> groupToTarget) {
        this.groupToTarget = new HashMap<>(groupToTarget);
    }

    @Override
    public void open(OpenContext openContext) {
        unassigned = getRuntimeContext().getMetricGroup().counter("unassignedGroupForecasts");
    }

    @Override
    public void flatMap(GroupForecast f, Collector<GroupForecast> out) {
        String target = groupToTarget.get(f.group);
        if (target == null) {
            target = groupToTarget.get(PrescaleConfig.ANY_GROUP);
        }
        if (target == null) {
            unassigned.inc();
            return;
        }
        f.target = target;
        out.collect(f);
    }
}
