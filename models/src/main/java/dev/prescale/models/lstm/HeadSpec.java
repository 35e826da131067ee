package dev.prescale.models.lstm;

import java.util.List;
import java.util.Map;

/**
 * One trained network of an artifact (the short-horizon head or the day-ahead head) as recorded in
 * model.json: where its parameters are, its shape, its input layout and its calibration.
 *
 * @param paramsName DJL parameter file prefix ({@code <paramsName>-0000.params})
 * @param gridSeconds the step it works at: the series' own step when at least this, else resampled to it
 * @param lowerWidening conformal factor on p50 - p10 (1 = as trained)
 * @param upperWidening conformal factor on p90 - p50
 * @param validation figures on the held-out validation slice
 */
public record HeadSpec(
        String paramsName,
        long gridSeconds,
        long maxStepSeconds,
        int context,
        int horizon,
        int stateSize,
        int hiddenSize,
        List<String> sequenceFeatures,
        int staticSize,
        double lowerWidening,
        double upperWidening,
        Map<String, Object> training,
        Map<String, Double> validation) {}
