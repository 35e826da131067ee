package dev.prescale.job.bench;

import dev.prescale.job.forecast.ForecasterFactory;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import java.util.List;

/** Wraps the configured forecaster and adds the time spent in {@code forecast} to the registry. */
public final class TimedForecasterFactory implements ForecasterFactory {
    private static final long serialVersionUID = 1L;

    private final ForecasterFactory inner;

    public TimedForecasterFactory(ForecasterFactory inner) {
        this.inner = inner;
    }

    @Override
    public String location() {
        return inner.location();
    }

    @Override
    public boolean usesCovariates() {
        return inner.usesCovariates();
    }

    @Override
    public Forecaster create() throws Exception {
        Forecaster f = inner.create();
        return new Forecaster() {
            @Override
            public String version() {
                return f.version();
            }

            @Override
            public List<Forecast> forecast(List<ForecastRequest> requests) {
                long start = System.nanoTime();
                try {
                    return f.forecast(requests);
                } finally {
                    BenchRegistry.MODEL_NANOS.add(System.nanoTime() - start);
                    BenchRegistry.MODEL_SERIES.add(requests.size());
                    for (ForecastRequest r : requests) {
                        BenchRegistry.MODEL_HISTORY_STEPS.add(r.history().length);
                    }
                }
            }

            @Override
            public boolean usesCovariates() {
                return f.usesCovariates();
            }

            @Override
            public void close() {
                f.close();
            }
        };
    }
}
