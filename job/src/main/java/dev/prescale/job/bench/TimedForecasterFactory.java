package dev.prescale.job.bench;

import dev.prescale.job.forecast.ForecasterFactory;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import dev.prescale.models.SummarizingForecaster;
import dev.prescale.models.SummaryPlan;
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
    public SummaryPlan summaryPlan(long stepMillis, int horizon) {
        return inner.summaryPlan(stepMillis, horizon);
    }

    @Override
    public Forecaster create() throws Exception {
        Forecaster f = inner.create();
        // A summarizing forecaster stays one, so the job still forecasts from summaries under the timer.
        return f instanceof SummarizingForecaster s ? new TimedSummarizing(s) : new Timed(f);
    }

    private static void record(long start, List<ForecastRequest> requests) {
        BenchRegistry.MODEL_NANOS.add(System.nanoTime() - start);
        BenchRegistry.MODEL_SERIES.add(requests.size());
        for (ForecastRequest r : requests) {
            BenchRegistry.MODEL_HISTORY_STEPS.add(r.history().length);
        }
    }

    /** A forecaster whose calls are timed. */
    private static class Timed implements Forecaster {
        final Forecaster f;

        Timed(Forecaster f) {
            this.f = f;
        }

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
                record(start, requests);
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
    }

    /** A summarizing forecaster whose calls, from summaries too, are timed. */
    private static final class TimedSummarizing extends Timed implements SummarizingForecaster {
        private final SummarizingForecaster s;

        TimedSummarizing(SummarizingForecaster s) {
            super(s);
            this.s = s;
        }

        @Override
        public SummaryPlan summaryPlan(long stepMillis, int horizon) {
            return s.summaryPlan(stepMillis, horizon);
        }

        @Override
        public List<Forecast> forecast(List<ForecastRequest> requests, List<double[]> summaries) {
            long start = System.nanoTime();
            try {
                return s.forecast(requests, summaries);
            } finally {
                record(start, requests);
            }
        }
    }
}
