package dev.prescale.job.forecast;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.GroupForecast;
import dev.prescale.job.pipeline.LagRanges;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import dev.prescale.models.SummarizingForecaster;
import dev.prescale.models.SummaryPlan;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Tasks with summaries (the job was built with the forecaster's {@link SummaryPlan}) are forecast
 * through {@link SummarizingForecaster#forecast(List, List)}; a model whose plan differs (or that does
 * not summarize) is refused as a swap, since the history operator keeps the old plan's summaries:
 * such a model needs a restart of the job with it configured.
 *
 * <p>A sparse task ({@link ForecastTask#lagRanges}: a forecast from summaries, a few values per
 * series) becomes requests whose histories have the full length: arrays of NaN kept by the
 * operator ({@link NanArrayPool}), the lag values written in for the call and set back to NaN
 * after it. So a forecaster must neither keep a request's arrays (history, covariates) after
 * {@code forecast} returns nor write into them, as {@link Forecaster} requires; the shipped ones
 * (seasonal naive, the LSTM, the guarded combination, the benchmark's timing wrapper) only read
 * them during the call.
 */
public class ForecastBatchOperator extends AbstractStreamOperator<GroupForecast>
        implements OneInputStreamOperator<ForecastTask, GroupForecast>,
        TwoInputStreamOperator<ForecastTask, ModelUpdate, GroupForecast> {
    private static final long serialVersionUID = 1L;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ForecastBatchOperator.class);

    private final ForecasterFactory factory;
    private final int batchSize;
    private final long batchTimeoutMillis;
    private final SummaryPlan plan;
    private final long stepMillis;
    private final int horizon;

    /** The factory of the model in use: the configured one until a model update switches it. */
    private transient ForecasterFactory current;
    private transient ListState<String> locationState;
    private transient Counter modelSwaps;
    private transient Forecaster forecaster;
    private transient List<ForecastTask> pending;
    /** Full-length NaN arrays for the requests of sparse tasks, reused batch after batch. */
    private transient NanArrayPool nanArrays;
    private transient int pendingRequests;
    private transient boolean timerSet;
    private transient Counter batches;
    private transient Counter requests;
    private transient Histogram batchMillis;
    private transient Counter modelFaults;
    private transient boolean acquired;
    private transient long lastLoadAttempt;

    public ForecastBatchOperator(ForecasterFactory factory, int batchSize, long batchTimeoutMillis) {
        this(factory, batchSize, batchTimeoutMillis, null, 0, 0);
    }

    /**
     * @param plan the summary plan the history operator was built with (tasks may carry its
     *     summaries), or null; a model must have the same plan for {@code stepMillis} and {@code horizon}
     */
    public ForecastBatchOperator(ForecasterFactory factory, int batchSize, long batchTimeoutMillis, SummaryPlan plan,
            long stepMillis, int horizon) {
        this.factory = factory;
        this.batchSize = batchSize;
        this.batchTimeoutMillis = batchTimeoutMillis;
        this.plan = plan;
        this.stepMillis = stepMillis;
        this.horizon = horizon;
    }

    /** Why a loaded model cannot serve the tasks of this job (another summary plan), or null when it can. */
    private String planMismatch(Forecaster f) {
        if (plan == null) {
            return null;
        }
        SummaryPlan other = f instanceof SummarizingForecaster s ? s.summaryPlan(stepMillis, horizon) : null;
        if (plan.equals(other)) {
            return null;
        }
        return "the job was built for forecasts from summaries (" + plan + ") and " + f.version()
                + (other == null ? " does not read them" : " has another plan (" + other + ")");
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
        nanArrays = new NanArrayPool();
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
        String mismatch = planMismatch(loaded);
        if (mismatch != null) {
            SharedForecasters.release(next);
            modelFaults.inc();
            LOG.warn("model update {}: refused, {}; keeping {}: restart the job with forecast.model={} to use it",
                    update, mismatch, current.location(), update.location);
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
            String mismatch = planMismatch(forecaster);
            if (mismatch != null && current != factory) {
                // A restored location (an earlier swap) that no longer fits: back to the configured model.
                SharedForecasters.release(current);
                acquired = false;
                forecaster = null;
                modelFaults.inc();
                LOG.warn("restored model {} refused: {}; back to the configured {} (restart the job with "
                        + "forecast.model={} to use it)", current.location(), mismatch, factory.location(), current.location());
                current = factory;
                forecaster = SharedForecasters.acquire(current);
                acquired = true;
            }
        } catch (Exception | LinkageError e) {
            forecaster = null;
            LOG.warn("cannot load the forecaster from {}: {}; decisions fall back to reactive scaling", current.location(), e.toString());
        }
    }

    /** The forecaster's answers, each checked by {@link ForecastSanity}; unusable ones where it failed. */
    private List<Forecast> forecastOrFallback(List<ForecastRequest> batch, List<double[]> summaries, double[] maxAbs) {
        if (forecaster == null && System.currentTimeMillis() - lastLoadAttempt >= RELOAD_INTERVAL_MILLIS) {
            acquireForecaster();
        }
        List<Forecast> answers = null;
        String failure;
        if (forecaster == null) {
            failure = "the model at " + current.location() + " could not be loaded";
        } else {
            try {
                answers = forecast(batch, summaries);
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
            String fault = failure != null ? failure
                    : summaries.get(i) != null && answers.get(i) == null ? "the model cannot forecast from summaries"
                    : Double.isNaN(maxAbs[i]) ? ForecastSanity.fault(r, answers.get(i))
                    : ForecastSanity.fault(r, answers.get(i), maxAbs[i]);
            if (fault == null) {
                out.add(answers.get(i));
            } else {
                modelFaults.inc();
                out.add(ForecastSanity.unusable(r, model, fault));
            }
        }
        return out;
    }

    /**
     * The forecaster's answers: through the summaries where any request has one. A forecaster that
     * cannot read them (not expected: swaps to one are refused) answers the others; those with
     * summaries get null (their histories are sparse), which the caller counts as model faults.
     */
    private List<Forecast> forecast(List<ForecastRequest> batch, List<double[]> summaries) {
        boolean any = false;
        for (double[] s : summaries) {
            any |= s != null;
        }
        if (!any) {
            return forecaster.forecast(batch);
        }
        if (forecaster instanceof SummarizingForecaster s) {
            return s.forecast(batch, summaries);
        }
        List<ForecastRequest> full = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (summaries.get(i) == null) {
                full.add(batch.get(i));
            }
        }
        List<Forecast> answered = full.isEmpty() ? List.of() : forecaster.forecast(full);
        List<Forecast> out = new ArrayList<>(batch.size());
        int k = 0;
        for (int i = 0; i < batch.size(); i++) {
            out.add(summaries.get(i) == null && k < answered.size() ? answered.get(k++) : null);
        }
        return out;
    }

    /** Arrays kept for the histories of sparse tasks (tests). */
    int pooledArrays() {
        return nanArrays.kept();
    }

    /** Unusable forecasts so far (missing or corrupt model, failed calls, non-finite or out-of-range values). */
    long modelFaults() {
        return modelFaults.getCount();
    }

    /**
     * A series of a task as the forecaster sees it: the task's own array when complete; for a sparse
     * task a pooled NaN array of the full length with the lag values written in, recorded in
     * {@code lent} so that {@link #flush} can clear those positions and give it back.
     */
    private double[] series(ForecastTask t, double[] values, List<double[]> lent, List<int[]> lentLags) {
        if (t.lagRanges == null) {
            return values;
        }
        double[] full = nanArrays.take(t.historySteps);
        LagRanges.expandInto(values, t.lagRanges, full);
        lent.add(full);
        lentLags.add(t.lagRanges);
        return full;
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
        List<double[]> summaries = new ArrayList<>(tasks.size() * types.length);
        double[] maxAbs = new double[tasks.size() * types.length];
        // The pooled arrays lent to sparse tasks' requests, and the lag ranges written into each.
        List<double[]> lent = new ArrayList<>();
        List<int[]> lentLags = new ArrayList<>();
        for (ForecastTask t : tasks) {
            int length = t.summaries == null ? 0 : t.summaries.length / types.length;
            Map<String, double[]> covariates = new LinkedHashMap<>();
            for (int c = 0; c < t.covariateNames.length; c++) {
                covariates.put(t.covariateNames[c], series(t, t.covariates[c], lent, lentLags));
            }
            for (ResourceType type : types) {
                int r = type.ordinal();
                batch.add(new ForecastRequest(t.group + "/" + type.jsonName(), t.windowEnd, t.stepMillis,
                        series(t, t.history[r], lent, lentLags), t.horizon, covariates));
                summaries.add(t.summaries == null ? null : Arrays.copyOfRange(t.summaries, r * length, (r + 1) * length));
                maxAbs[batch.size() - 1] = t.maxAbs == null ? Double.NaN : t.maxAbs[r];
            }
        }
        long start = System.nanoTime();
        List<Forecast> forecasts = forecastOrFallback(batch, summaries, maxAbs);
        batchMillis.update((System.nanoTime() - start) / 1_000_000);
        // The answers are made (and checked): the arrays are free again, NaN where the lags were.
        for (int k = 0; k < lent.size(); k++) {
            LagRanges.clear(lentLags.get(k), lent.get(k));
            nanArrays.giveBack(lent.get(k));
        }
        nanArrays.endBatch();
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
