package dev.prescale.job.forecast;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.GroupForecast;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Scores forecast tasks in micro-batches through the shared {@link Forecaster}: requests wait until
 * the batch holds {@code batchSize} requests or {@code batchTimeoutMillis} of processing time has
 * passed. Before a watermark or a checkpoint barrier goes on, the batch is flushed, so no forecast
 * is late downstream and no buffered request needs to be in a checkpoint.
 *
 * <p>As a two-input operator, its second input is the broadcast stream of {@link ModelUpdate}s
 * (hot swap): the new location is loaded through {@link SharedForecasters} (once per JVM), the
 * pending requests are forecast with the old model, then the operator switches and releases the
 * old one. The current location is kept in union list state, so a restore from a checkpoint keeps
 * the announced model. A location that fails to load (or reports another version than announced)
 * is a model fault: the old model stays.
 */
public class ForecastBatchOperator extends AbstractStreamOperator<GroupForecast>
        implements OneInputStreamOperator<ForecastTask, GroupForecast>,
        TwoInputStreamOperator<ForecastTask, ModelUpdate, GroupForecast> {
    private static final long serialVersionUID = 1L;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ForecastBatchOperator.class);

    private final ForecasterFactory factory;
    private final int batchSize;
    private final long batchTimeoutMillis;

    /** The factory of the model in use: the configured one until a model update switches it. */
    private transient ForecasterFactory current;
    private transient ListState<String> locationState;
    private transient Counter modelSwaps;
    private transient Forecaster forecaster;
    private transient List<ForecastTask> pending;
    private transient int pendingRequests;
    private transient boolean timerSet;
    private transient Counter batches;
    private transient Counter requests;
    private transient Histogram batchMillis;
    private transient Counter modelFaults;
    private transient boolean acquired;
    private transient long lastLoadAttempt;

    public ForecastBatchOperator(ForecasterFactory factory, int batchSize, long batchTimeoutMillis) {
        this.factory = factory;
        this.batchSize = batchSize;
        this.batchTimeoutMillis = batchTimeoutMillis;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        locationState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("forecast-model-location", String.class));
        current = factory;
        if (context.isRestored()) {
            // Union state: every subtask sees every subtask's entry; all follow the same broadcast.
            for (String location : locationState.get()) {
                if (location != null && !location.equals(current.location())) {
                    current = factory.withLocation(location);
                }
                break;
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        locationState.update(List.of(current.location()));
    }

    @Override
    public void open() throws Exception {
        super.open();
        modelFaults = getMetricGroup().counter("modelFaults");
        modelSwaps = getMetricGroup().counter("modelSwaps");
        pending = new ArrayList<>();
        acquireForecaster();
        batches = getMetricGroup().counter("forecastBatches");
        requests = getMetricGroup().counter("forecastRequests");
        batchMillis = getMetricGroup().histogram("forecastBatchMillis", new DescriptiveStatisticsHistogram(500));
    }

    @Override
    public void processElement(StreamRecord<ForecastTask> element) throws Exception {
        pending.add(element.getValue());
        pendingRequests += ResourceType.values().length;
        if (pendingRequests >= batchSize) {
            flush();
        } else if (!timerSet) {
            timerSet = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + batchTimeoutMillis, t -> {
                timerSet = false;
                flush();
            });
        }
    }

    @Override
    public void processElement1(StreamRecord<ForecastTask> element) throws Exception {
        processElement(element);
    }

    /** A model update: load the new location, forecast what is pending with the old, switch. */
    @Override
    public void processElement2(StreamRecord<ModelUpdate> element) throws Exception {
        swapTo(element.getValue());
    }

    void swapTo(ModelUpdate update) {
        if (update.location.equals(current.location()) && forecaster != null) {
            LOG.info("model update {}: already in use", update);
            return;
        }
        ForecasterFactory next = factory.withLocation(update.location);
        Forecaster loaded;
        try {
            loaded = SharedForecasters.acquire(next);
        } catch (Exception | LinkageError e) {
            modelFaults.inc();
            LOG.warn("model update {}: cannot load it ({}); keeping {}", update, e.toString(), current.location());
            return;
        }
        if (update.version != null && !update.version.equals(loaded.version())) {
            SharedForecasters.release(next);
            modelFaults.inc();
            LOG.warn("model update {}: the model there reports version {}; keeping {}", update, loaded.version(),
                    current.location());
            return;
        }
        // Requests that arrived before the update are answered by the model they were sent to.
        flush();
        if (acquired) {
            SharedForecasters.release(current);
        }
        current = next;
        forecaster = loaded;
        acquired = true;
        modelSwaps.inc();
        LOG.info("model update: now forecasting with {} ({})", loaded.version(), next.location());
    }

    /** The location of the model in use (for tests). */
    String currentLocation() {
        return current.location();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (acquired) {
                SharedForecasters.release(current);
                acquired = false;
                forecaster = null;
            }
        } finally {
            super.close();
        }
    }

    /** How long a model that failed to load is left alone before the next attempt. */
    static final long RELOAD_INTERVAL_MILLIS = 60_000;

    /**
     * Loads the shared forecaster; a missing or corrupt model is logged and counted instead of
     * failing the job (a restart would not repair the file): forecasts are then unusable and the
     * decisions fall back to reactive scaling until a later attempt loads it.
     */
    private void acquireForecaster() {
        lastLoadAttempt = System.currentTimeMillis();
        try {
            forecaster = SharedForecasters.acquire(current);
            acquired = true;
        } catch (Exception | LinkageError e) {
            forecaster = null;
            LOG.warn("cannot load the forecaster from {}: {}; decisions fall back to reactive scaling", current.location(), e.toString());
        }
    }

    /** The forecaster's answers, each checked by {@link ForecastSanity}; unusable ones where it failed. */
    private List<Forecast> forecastOrFallback(List<ForecastRequest> batch) {
        if (forecaster == null && System.currentTimeMillis() - lastLoadAttempt >= RELOAD_INTERVAL_MILLIS) {
            acquireForecaster();
        }
        List<Forecast> answers = null;
        String failure;
        if (forecaster == null) {
            failure = "the model at " + current.location() + " could not be loaded";
        } else {
            try {
                answers = forecaster.forecast(batch);
                failure = answers != null && answers.size() == batch.size() ? null
                        : "the forecaster answered " + (answers == null ? "null" : answers.size() + " forecasts") + " for " + batch.size() + " requests";
            } catch (RuntimeException e) {
                failure = "the forecaster failed: " + e;
                LOG.warn("forecaster {} failed on a batch of {}; decisions fall back to reactive scaling", current.location(), batch.size(), e);
            }
        }
        String model = forecaster != null ? forecaster.version() : current.location();
        List<Forecast> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            ForecastRequest r = batch.get(i);
            String fault = failure != null ? failure : ForecastSanity.fault(r, answers.get(i));
            if (fault == null) {
                out.add(answers.get(i));
            } else {
                modelFaults.inc();
                out.add(ForecastSanity.unusable(r, model, fault));
            }
        }
        return out;
    }

    /** Unusable forecasts so far (missing or corrupt model, failed calls, non-finite or out-of-range values). */
    long modelFaults() {
        return modelFaults.getCount();
    }

    /** Forecasts everything pending in one call to the forecaster and emits the results. */
    void flush() {
        if (pending == null || pending.isEmpty()) {
            return;
        }
        List<ForecastTask> tasks = pending;
        pending = new ArrayList<>();
        pendingRequests = 0;
        ResourceType[] types = ResourceType.values();
        List<ForecastRequest> batch = new ArrayList<>(tasks.size() * types.length);
        for (ForecastTask t : tasks) {
            Map<String, double[]> covariates = new LinkedHashMap<>();
            for (int c = 0; c < t.covariateNames.length; c++) {
                covariates.put(t.covariateNames[c], t.covariates[c]);
            }
            for (ResourceType type : types) {
                batch.add(new ForecastRequest(t.group + "/" + type.jsonName(), t.windowEnd, t.stepMillis,
                        t.history[type.ordinal()], t.horizon, covariates));
            }
        }
        long start = System.nanoTime();
        List<Forecast> forecasts = forecastOrFallback(batch);
        batchMillis.update((System.nanoTime() - start) / 1_000_000);
        batches.inc();
        requests.inc(batch.size());
        // The deployed model's version on every forecast, also where it answered with its fallback.
        String deployed = forecaster != null ? forecaster.version() : current.location();
        int i = 0;
        for (ForecastTask t : tasks) {
            GroupForecast g = new GroupForecast();
            g.group = t.group;
            g.windowEnd = t.windowEnd;
            g.stepMillis = t.stepMillis;
            g.historySteps = t.historySteps;
            g.observed = t.observed.clone();
            g.p10 = new double[types.length][];
            g.p50 = new double[types.length][];
            g.p90 = new double[types.length][];
            StringBuilder notes = new StringBuilder();
            for (ResourceType type : types) {
                Forecast f = forecasts.get(i++);
                int r = type.ordinal();
                g.p10[r] = f.p10();
                g.p50[r] = f.p50();
                g.p90[r] = f.p90();
                g.model = deployed.equals(f.model()) ? deployed : deployed + " (" + f.model() + ")";
                if (!f.note().isEmpty() && notes.indexOf(f.note()) < 0) {
                    notes.append(notes.length() == 0 ? "" : "; ").append(f.note());
                }
            }
            g.note = notes.toString();
            // Same timestamp as the window result, so event-time logic downstream sees the window.
            output.collect(new StreamRecord<>(g, t.windowEnd - 1));
        }
    }
}
