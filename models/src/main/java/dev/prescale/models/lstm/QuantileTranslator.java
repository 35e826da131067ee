package dev.prescale.models.lstm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.Arrays;
import java.util.List;

/**
 * All tensor work of the quantile LSTM: windows become {@code (context, features)} and
 * {@code (static)} arrays that DJL stacks into one batch, and the {@code (horizon, 3)} output comes
 * back as quantiles, sorted (no crossing), widened by the calibration factors, times the level.
 */
public final class QuantileTranslator implements Translator<ModelWindow, double[][]> {

    private final int context;
    private final double lowerWidening;
    private final double upperWidening;

    /**
     * @param lowerWidening factor on p50 - p10 from conformal calibration (1 = none)
     * @param upperWidening factor on p90 - p50
     */
    public QuantileTranslator(int context, double lowerWidening, double upperWidening) {
        this.context = context;
        this.lowerWidening = lowerWidening;
        this.upperWidening = upperWidening;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, ModelWindow w) {
        NDManager m = ctx.getNDManager();
        ctx.setAttachment("window", w);
        return new NDList(
                m.create(w.sequence(), new Shape(context, WindowFeaturizer.SEQ_FEATURES)),
                m.create(w.statics()));
    }

    @Override
    public double[][] processOutput(TranslatorContext ctx, NDList list) {
        float[] raw = list.singletonOrThrow().toFloatArray();
        ModelWindow w = (ModelWindow) ctx.getAttachment("window");
        return w == null ? toQuantiles(raw, 1.0, lowerWidening, upperWidening)
                : toQuantiles(raw, w.center(), w.scale(), lowerWidening, upperWidening);
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }

    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<ModelWindow> inputs) {
        NDManager m = ctx.getNDManager();
        ctx.setAttachment("windows", inputs);
        return batch(m, inputs, context);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<double[][]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        List<ModelWindow> windows = (List<ModelWindow>) ctx.getAttachment("windows");
        NDArray out = list.singletonOrThrow();
        int per = (int) (out.getShape().size() / windows.size());
        float[] raw = out.toFloatArray();
        double[][][] result = new double[windows.size()][][];
        for (int i = 0; i < windows.size(); i++) {
            result[i] = toQuantiles(Arrays.copyOfRange(raw, i * per, (i + 1) * per), windows.get(i).center(),
                    windows.get(i).scale(), lowerWidening, upperWidening);
        }
        return Arrays.asList(result);
    }

    /** Stacks windows into the model's two inputs {@code (batch, context, features)} and {@code (batch, static)}. */
    public static NDList batch(NDManager m, List<ModelWindow> windows, int context) {
        int b = windows.size();
        int seqLen = context * WindowFeaturizer.SEQ_FEATURES;
        int statLen = windows.get(0).statics().length;
        float[] seq = new float[b * seqLen];
        float[] stat = new float[b * statLen];
        for (int i = 0; i < b; i++) {
            System.arraycopy(windows.get(i).sequence(), 0, seq, i * seqLen, seqLen);
            System.arraycopy(windows.get(i).statics(), 0, stat, i * statLen, statLen);
        }
        return new NDList(
                m.create(seq, new Shape(b, context, WindowFeaturizer.SEQ_FEATURES)),
                m.create(stat, new Shape(b, statLen)));
    }

    /** Stacks the scaled targets into {@code (batch, horizon)}. */
    public static NDArray targets(NDManager m, List<ModelWindow> windows) {
        int b = windows.size();
        int h = windows.get(0).target().length;
        float[] y = new float[b * h];
        for (int i = 0; i < b; i++) {
            System.arraycopy(windows.get(i).target(), 0, y, i * h, h);
        }
        return m.create(y, new Shape(b, h));
    }

    /**
     * Raw {@code horizon x 3} output (scaled) to {p10[], p50[], p90[]} in the series' units: sorted,
     * widened around p50, multiplied by the level.
     */
    public static double[][] toQuantiles(float[] raw, double scale, double lowerWidening, double upperWidening) {
        return toQuantiles(raw, 0.0, scale, lowerWidening, upperWidening);
    }

    /** As {@link #toQuantiles(float[], double, double, double)}, for windows normalized as (value - center) / scale. */
    public static double[][] toQuantiles(float[] raw, double center, double scale, double lowerWidening, double upperWidening) {
        int h = raw.length / 3;
        double[][] q = new double[3][h];
        double[] three = new double[3];
        for (int i = 0; i < h; i++) {
            three[0] = raw[3 * i];
            three[1] = raw[3 * i + 1];
            three[2] = raw[3 * i + 2];
            Arrays.sort(three);
            double mid = three[1];
            q[0][i] = (mid - lowerWidening * (mid - three[0])) * scale + center;
            q[1][i] = mid * scale + center;
            q[2][i] = (mid + upperWidening * (three[2] - mid)) * scale + center;
        }
        return q;
    }
}
