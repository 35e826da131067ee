package dev.prescale.job.forecast;

import dev.prescale.job.config.ConfigException;
import dev.prescale.models.Forecaster;
import dev.prescale.models.SummaryPlan;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import dev.prescale.models.lstm.LstmForecaster;
import dev.prescale.models.lstm.LstmModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The factory for {@code forecast.model}: {@code snaive} is the built-in one-day seasonal naive
 * baseline; anything else is a directory holding a trained LSTM artifact (model.json + parameters).
 */
public final class ModelLocationFactory implements ForecasterFactory {
    private static final long serialVersionUID = 1L;

    public static final String SEASONAL_NAIVE = "snaive";

    private final String location;

    public ModelLocationFactory(String location) {
        this.location = location;
    }

    /** Checks at job build time that the location can be loaded on a TaskManager with the same files. */
    public static ModelLocationFactory checked(String location) {
        if (!SEASONAL_NAIVE.equals(location) && !Files.isDirectory(Path.of(location))) {
            throw new ConfigException("forecast.model", location, "snaive or a directory with a trained model artifact");
        }
        return new ModelLocationFactory(location);
    }

    @Override
    public String location() {
        return location;
    }

    /**
     * Without loading a model: the seasonal naive baseline reads no covariates; an LSTM artifact
     * needs them when its metadata lists the covariates it was trained with (the shipped ones list
     * none). A location that cannot be read counts as using them (the old behaviour: ship them all).
     */
    @Override
    public boolean usesCovariates() {
        if (SEASONAL_NAIVE.equals(location)) {
            return new SeasonalNaiveForecaster().usesCovariates();
        }
        try {
            List<String> covariates = LstmModelMetadata.read(Path.of(location)).covariates();
            return covariates != null && !covariates.isEmpty();
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Without loading a model: the seasonal naive baseline's plan; LSTM artifacts do not summarize. */
    @Override
    public SummaryPlan summaryPlan(long stepMillis, int horizon) {
        return SEASONAL_NAIVE.equals(location) ? new SeasonalNaiveForecaster().summaryPlan(stepMillis, horizon) : null;
    }

    @Override
    public Forecaster create() throws Exception {
        if (SEASONAL_NAIVE.equals(location)) {
            return new SeasonalNaiveForecaster();
        }
        return LstmForecaster.load(Path.of(location));
    }
}
