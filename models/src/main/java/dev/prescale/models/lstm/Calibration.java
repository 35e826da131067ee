package dev.prescale.models.lstm;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conformal calibration of the p10/p90 band on a validation slice, and the figures reported for it
 * (scaled pinball, scaled MAE of p50, coverage of [p10, p90]).
 */
public final class Calibration {

    private static final double MIN_WIDENING = 0.5;
    private static final double MAX_WIDENING = 3.0;

    private Calibration() {}

    /**
     * Factors {lower, upper} on p50 - p10 and p90 - p50 such that, on the validation windows, 10% of
     * the actuals fall below the widened p10 and 10% above the widened p90 (clamped to [0.5, 3]).
     */
    public static double[] conformalWidening(float[][] raw, List<ModelWindow> windows) {
        int n = 0;
        for (ModelWindow w : windows) {
            n += w.target().length;
        }
        double[] lo = new double[n];
        double[] hi = new double[n];
        int k = 0;
        for (int i = 0; i < windows.size(); i++) {
            double[][] q = QuantileTranslator.toQuantiles(raw[i], 1.0, 1.0, 1.0);
            float[] y = windows.get(i).target();
            for (int h = 0; h < y.length; h++) {
                double below = q[1][h] - q[0][h];
                double above = q[2][h] - q[1][h];
                lo[k] = ratio(q[1][h] - y[h], below);
                hi[k] = ratio(y[h] - q[1][h], above);
                k++;
            }
        }
        Arrays.sort(lo);
        Arrays.sort(hi);
        return new double[] {clamp(lo[(int) Math.floor(0.9 * (n - 1))]), clamp(hi[(int) Math.floor(0.9 * (n - 1))])};
    }

    private static double ratio(double excess, double width) {
        if (width > 1e-9) {
            return excess / width;
        }
        return excess > 0 ? MAX_WIDENING : 0;
    }

    private static double clamp(double v) {
        return Math.max(MIN_WIDENING, Math.min(MAX_WIDENING, v));
    }

    /** Scaled pinball, MAE of p50 and coverage80 with the given widening, keys prefixed. */
    public static Map<String, Double> figures(float[][] raw, List<ModelWindow> windows, double lower, double upper, String prefix) {
        double pin = 0;
        double mae = 0;
        int covered = 0;
        int n = 0;
        for (int i = 0; i < windows.size(); i++) {
            double[][] q = QuantileTranslator.toQuantiles(raw[i], 1.0, lower, upper);
            float[] y = windows.get(i).target();
            for (int h = 0; h < y.length; h++) {
                pin += dev.prescale.models.eval.ForecastMetrics.pinball(y[h], q[0][h], 0.1)
                        + dev.prescale.models.eval.ForecastMetrics.pinball(y[h], q[1][h], 0.5)
                        + dev.prescale.models.eval.ForecastMetrics.pinball(y[h], q[2][h], 0.9);
                mae += Math.abs(y[h] - q[1][h]);
                if (q[0][h] <= y[h] && y[h] <= q[2][h]) {
                    covered++;
                }
                n++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "pinball", pin / (3.0 * n));
        m.put(prefix + "mae", mae / n);
        m.put(prefix + "coverage80", 100.0 * covered / n);
        return m;
    }
}
