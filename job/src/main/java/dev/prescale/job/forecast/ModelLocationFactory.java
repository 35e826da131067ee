package dev.prescale.job.forecast;

import dev.prescale.job.config.ConfigException;
import dev.prescale.models.Forecaster;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import dev.prescale.models.lstm.LstmForecaster;
import java.nio.file.Files;
import java.nio.file.Path;

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

    @Override
    public Forecaster create() throws Exception {
        if (SEASONAL_NAIVE.equals(location)) {
            return new SeasonalNaiveForecaster();
        }
        return LstmForecaster.load(Path.of(location));
    }
}
