package dev.prescale.models.lstm;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.prescale.models.combine.CombinationSpec;
import dev.prescale.models.trace.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Trains the two heads of the quantile LSTM (short horizon and day ahead) from trace CSVs with the
 * pinball loss, calibrates p10/p90 on the validation slice (conformal), and writes an artifact
 * directory: DJL parameters per head and model.json. Seeded and single-threaded, so reproducible.
 */
public final class LstmTrainer {

    /** Training settings; the defaults fit minutes on two shared cores. */
    public record Settings(int epochs, int batchSize, float learningRate, long seed, int maxWindowsPerSeries,
            double validationShare, int stateSize, int hiddenSize, WindowFeaturizer.Normalization normalization) {

        /** Settings with level normalization. */
        public Settings(int epochs, int batchSize, float learningRate, long seed, int maxWindowsPerSeries,
                double validationShare, int stateSize, int hiddenSize) {
            this(epochs, batchSize, learningRate, seed, maxWindowsPerSeries, validationShare, stateSize, hiddenSize,
                    WindowFeaturizer.Normalization.LEVEL);
        }

        public static Settings defaults() {
            return new Settings(12, 128, 2e-3f, 7, 2500, 0.15, 48, 64);
        }

        Settings withEpochs(int e) {
            return new Settings(e, batchSize, learningRate, seed, maxWindowsPerSeries, validationShare, stateSize, hiddenSize,
                    normalization);
        }
    }

    /** What one head's training produced: its spec (with calibration and figures) and loss per epoch. */
    public record TrainedHead(HeadSpec spec, List<Double> trainLoss, List<Double> validationLoss) {}

    /** Shape of a head before training. */
    public record HeadLayout(String key, long gridSeconds, long maxStepSeconds, int context, int horizon) {}

    /** The short-horizon head: 12 steps at the series' step (at least 5 minutes), 36 steps of context. */
    public static final HeadLayout SHORT_LAYOUT = new HeadLayout(LstmForecaster.SHORT, 300, 3599, 36, 12);
    /** The day-ahead head: 24 hourly means from 72 hours of context. */
    public static final HeadLayout DAY_LAYOUT = new HeadLayout(LstmForecaster.DAY_AHEAD, 3600, 3600, 72, 24);

    private LstmTrainer() {}

    /** Trains one head on the given series and saves its parameters as {@code dir/<key>-0000.params}. */
    public static TrainedHead trainHead(HeadLayout layout, List<TrainingData.Series> series, Settings s, Path dir)
            throws IOException {
        WindowFeaturizer f = new WindowFeaturizer(layout.context(), layout.horizon(), s.normalization());
        TrainingData.Windows w = TrainingData.windows(series, f, s.validationShare(), s.maxWindowsPerSeries(), s.seed());
        if (w.train().isEmpty()) {
            throw new IllegalArgumentException("no training windows for head " + layout.key());
        }
        Engine.getInstance().setRandomSeed((int) s.seed());
        long started = System.nanoTime();
        List<Double> trainLoss = new ArrayList<>();
        List<Double> valLoss = new ArrayList<>();
        int steps = s.epochs() * (int) Math.ceil(w.train().size() / (double) s.batchSize());
        try (Model model = Model.newInstance(layout.key(), Device.cpu(), "PyTorch")) {
            QuantileLstmBlock block = new QuantileLstmBlock(s.stateSize(), s.hiddenSize(), layout.horizon());
            model.setBlock(block);
            Tracker lr = Tracker.cosine().setBaseValue(s.learningRate()).optFinalValue(s.learningRate() / 20)
                    .setMaxUpdates(Math.max(1, steps)).build();
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(new PinballLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(lr).optClipGrad(1f).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(new Shape(1, layout.context(), WindowFeaturizer.SEQ_FEATURES), new Shape(1, f.staticSize()));
                List<ModelWindow> order = new ArrayList<>(w.train());
                Random shuffle = new Random(s.seed());
                for (int epoch = 0; epoch < s.epochs(); epoch++) {
                    Collections.shuffle(order, shuffle);
                    double sum = 0;
                    int batches = 0;
                    for (int from = 0; from < order.size(); from += s.batchSize()) {
                        List<ModelWindow> b = order.subList(from, Math.min(order.size(), from + s.batchSize()));
                        try (NDManager bm = trainer.getManager().newSubManager()) {
                            NDList in = QuantileTranslator.batch(bm, b, layout.context());
                            NDArray y = QuantileTranslator.targets(bm, b);
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList pred = trainer.forward(in);
                                NDArray loss = trainer.getLoss().evaluate(new NDList(y), pred);
                                gc.backward(loss);
                                sum += loss.getFloat();
                            }
                            trainer.step();
                        }
                        batches++;
                    }
                    trainLoss.add(sum / batches);
                    valLoss.add(w.validation().isEmpty() ? Double.NaN : meanPinball(model, w.validation(), layout.context()));
                    System.err.printf(Locale.ROOT, "[%s] epoch %d train pinball %.4f validation %.4f%n",
                            layout.key(), epoch + 1, trainLoss.get(epoch), valLoss.get(epoch));
                }
            }
            Files.createDirectories(dir);
            model.setProperty("Epoch", "0");
            model.save(dir, layout.key());
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Double> valFigures = new LinkedHashMap<>();
            double[] widen = {1.0, 1.0};
            if (!w.validation().isEmpty()) {
                float[][] raw = rawPredictions(model, w.validation(), layout.context());
                widen = Calibration.conformalWidening(raw, w.validation());
                valFigures.putAll(Calibration.figures(raw, w.validation(), 1.0, 1.0, ""));
                valFigures.putAll(Calibration.figures(raw, w.validation(), widen[0], widen[1], "calibrated_"));
            }
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("normalization", s.normalization().key());
            training.put("trainWindows", w.train().size());
            training.put("validationWindows", w.validation().size());
            training.put("validationShare", s.validationShare());
            training.put("epochs", s.epochs());
            training.put("batchSize", s.batchSize());
            training.put("learningRate", s.learningRate());
            training.put("seconds", Math.round(seconds * 10) / 10.0);
            training.put("trainLossPerEpoch", round(trainLoss));
            training.put("validationLossPerEpoch", round(valLoss));
            training.put("series", series.stream().map(TrainingData.Series::name).collect(Collectors.toList()));
            HeadSpec spec = new HeadSpec(layout.key(), layout.gridSeconds(), layout.maxStepSeconds(), layout.context(),
                    layout.horizon(), s.stateSize(), s.hiddenSize(), Arrays.asList(WindowFeaturizer.SEQ_FEATURE_NAMES),
                    f.staticSize(), widen[0], widen[1], training, valFigures);
            return new TrainedHead(spec, trainLoss, valLoss);
        }
    }

    /** Mean pinball of the model on windows, in scaled units, without touching gradients. */
    static double meanPinball(Model model, List<ModelWindow> windows, int context) {
        float[][] raw = rawPredictions(model, windows, context);
        return Calibration.figures(raw, windows, 1.0, 1.0, "").get("pinball");
    }

    /** Raw (scaled, unsorted) outputs, one {@code horizon x 3} row per window. */
    static float[][] rawPredictions(Model model, List<ModelWindow> windows, int context) {
        float[][] out = new float[windows.size()][];
        try (NDManager m = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            for (int from = 0; from < windows.size(); from += 512) {
                List<ModelWindow> b = windows.subList(from, Math.min(windows.size(), from + 512));
                try (NDManager bm = m.newSubManager()) {
                    NDArray pred = model.getBlock().forward(ps, QuantileTranslator.batch(bm, b, context), false).head();
                    float[] flat = pred.toFloatArray();
                    int per = flat.length / b.size();
                    for (int i = 0; i < b.size(); i++) {
                        out[from + i] = Arrays.copyOfRange(flat, i * per, (i + 1) * per);
                    }
                }
            }
        }
        return out;
    }

    private static List<Double> round(List<Double> v) {
        return v.stream().map(x -> Math.round(x * 1e5) / 1e5).collect(Collectors.toList());
    }

    /** Trains both heads on the given files and writes {@code out/<name>/<version>/}. */
    public static Path train(List<Path> files, long intervalSeconds, Path out, String name, String version, Settings s,
            List<HeadLayout> layouts) throws IOException {
        List<Trace> traces = TrainingData.readTraces(files, intervalSeconds);
        Path dir = out.resolve(name).resolve(version);
        Files.createDirectories(dir);
        Map<String, HeadSpec> heads = new LinkedHashMap<>();
        for (HeadLayout layout : layouts) {
            List<TrainingData.Series> series = layout.gridSeconds() >= 3600
                    ? TrainingData.hourlySeries(traces)
                    : TrainingData.shortHeadSeries(traces, layout.gridSeconds());
            heads.put(layout.key(), trainHead(layout, series, s, dir).spec());
        }
        List<String> data = files.stream().map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        new LstmModelMetadata(name, version, Instant.now().toString(), "PyTorch (DJL " + Engine.getDjlVersion() + ")",
                s.seed(), s.normalization() == WindowFeaturizer.Normalization.LEVEL
                        ? "each window divided by the mean |value| over its last day; outputs multiplied back"
                        : "each window centred on its last day's mean and divided by its standard deviation (at least 2% of"
                                + " its level); outputs mapped back",
                List.of(), data, heads, CombinationSpec.defaults()).write(dir);
        return dir;
    }

    /**
     * {@code --traces DIR | --files A,B} {@code [--usage DIR] [--exclude SUBSTR,...] [--out DIR]
     * [--name N] [--version V] [--epochs E] [--seed S] [--max-windows M] [--interval SECONDS]
     * [--normalization level|level-spread]}.
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got " + args[i]);
            }
            a.put(args[i].substring(2), args[++i]);
        }
        List<Path> files = new ArrayList<>();
        if (a.containsKey("files")) {
            for (String f : a.get("files").split(",")) {
                files.add(Paths.get(f));
            }
        }
        for (String key : List.of("traces", "usage")) {
            if (a.containsKey(key)) {
                try (Stream<Path> st = Files.list(Paths.get(a.get(key)))) {
                    st.filter(p -> p.toString().endsWith(".csv")).sorted().forEach(files::add);
                }
            }
        }
        if (!a.containsKey("files") && !a.containsKey("traces") && !a.containsKey("usage")) {
            try (Stream<Path> st = Files.list(dev.prescale.models.trace.SharedTraces.defaultDir())) {
                st.filter(p -> p.toString().endsWith(".csv")).sorted().forEach(files::add);
            }
        }
        if (a.containsKey("exclude")) {
            List<String> ex = Arrays.asList(a.get("exclude").split(","));
            files.removeIf(p -> ex.stream().anyMatch(e -> !e.isBlank() && p.getFileName().toString().contains(e)));
        }
        Settings s = Settings.defaults();
        s = new Settings(Integer.parseInt(a.getOrDefault("epochs", "" + s.epochs())), s.batchSize(), s.learningRate(),
                Long.parseLong(a.getOrDefault("seed", "" + s.seed())),
                Integer.parseInt(a.getOrDefault("max-windows", "" + s.maxWindowsPerSeries())), s.validationShare(),
                s.stateSize(), s.hiddenSize(), WindowFeaturizer.Normalization.of(a.getOrDefault("normalization", "level")));
        long started = System.nanoTime();
        Path dir = train(files, Long.parseLong(a.getOrDefault("interval", "300")), Paths.get(a.getOrDefault("out", "models/artifacts")),
                a.getOrDefault("name", "lstm-quantile"), a.getOrDefault("version", "1"), s,
                List.of(SHORT_LAYOUT, DAY_LAYOUT));
        System.out.printf(Locale.ROOT, "wrote %s from %d files in %.1f s%n", dir, files.size(), (System.nanoTime() - started) / 1e9);
    }
}
