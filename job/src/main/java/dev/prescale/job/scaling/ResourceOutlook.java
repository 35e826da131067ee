package dev.prescale.job.scaling;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.models.Forecast;

/**
 * What the engine knows about one resource of a target at decision time.
 *
 * @param type the resource
 * @param forecast demand forecast from the decision time on, scheduled extras already added, in the
 *     resource's demand unit (cores, MB, bytes, bytes/s)
 * @param observed the latest observed demand (the last closed window)
 * @param historySteps how many windows of history the forecast was made from
 * @param recentError the recent mean absolute error of the p50 forecast relative to the mean demand
 *     (0.1 = 10 %), or {@code NaN} while unknown
 */
public record ResourceOutlook(ResourceType type, Forecast forecast, double observed, int historySteps, double recentError) {}
