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
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Scores forecast tasks in micro-batches through the shared {@link Forecaster}: requests wait until
 * the batch holds {@code batchSize} requests or {@code batchTimeoutMillis} of processing time has
 * passed. Before a watermark or a checkpoint barrier goes on, the batch is flushed, so no forecast
 * is late downstream and no buffered request needs to be in a checkpoint.
 */
public class ForecastBatchOperator extends AbstractStreamOperator<GroupForecast>
        implements OneInputStreamOperator<ForecastTask, GroupForecast> {
    private static final long serialVersionUID = 1L;

    private final ForecasterFactory factory;
    private final int batchSize;
    private final long batchTimeoutMillis;

    private transient Forecaster forecaster;
    private transient List<ForecastTask> pending;
    private transient int pendingRequests;
    private transient boolean timerSet;
    private transient Counter batches;
    private transient Counter requests;
    private transient Histogram batchMillis;

    public ForecastBatchOperator(ForecasterFactory factory, int batchSize, long batchTimeoutMillis) {
        this.factory = factory;
        this.batchSize = batchSize;
        this.batchTimeoutMillis = batchTimeoutMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        forecaster = SharedForecasters.acquire(factory);
        pending = new ArrayList<>();
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
            if (forecaster != null) {
                SharedForecasters.release(factory);
                forecaster = null;
            }
        } finally {
            super.close();
        }
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
        List<Forecast> forecasts = forecaster.forecast(batch);
        batchMillis.update((System.nanoTime() - start) / 1_000_000);
        batches.inc();
        requests.inc(batch.size());
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
                g.model = f.model();
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
