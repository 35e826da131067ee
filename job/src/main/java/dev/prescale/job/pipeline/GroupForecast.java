package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.models.Forecast;

/**
 * One group's (later: one target's) quantile forecasts per resource from the end of a window on;
 * arrays are indexed by {@link ResourceType#ordinal()}. A Flink POJO.
 */
public class GroupForecast {
    public String group;
    /** The scaling target the group feeds (set after forecasting). */
    public String target;
    public long windowEnd;
    public long stepMillis;
    public int historySteps;
    public double[] observed;
    public double[][] p10;
    public double[][] p50;
    public double[][] p90;
    public String model;
    public String note;

    public GroupForecast() {}

    /** The forecast of one resource as the models contract's record. */
    public Forecast forecast(String seriesId, ResourceType type) {
        int r = type.ordinal();
        return new Forecast(seriesId, windowEnd, stepMillis, p10[r].clone(), p50[r].clone(), p90[r].clone(), model, note);
    }

    public int horizon() {
        return p50[0].length;
    }
}
