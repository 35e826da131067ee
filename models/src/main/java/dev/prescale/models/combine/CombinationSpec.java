package dev.prescale.models.combine;

/**
 * How the network is combined with the statistical candidates, as recorded in model.json: how many
 * backtest origins inside each request's own history score the candidates, how far apart they are
 * (in grid steps), and how the scores become weights.
 *
 * @param shortBacktests backtest origins for the short-horizon head
 * @param shortStride grid steps between them
 * @param dayBacktests backtest origins for the day-ahead head
 * @param dayStride grid steps between them
 * @param weighting {@code inverse-squared-error} (weights 1/MAE^2) or {@code best} (the lowest MAE alone)
 * @param top how many candidates (those with the lowest backtest MAE) share the weights
 */
public record CombinationSpec(int shortBacktests, int shortStride, int dayBacktests, int dayStride, String weighting,
        int top) {

    /** Weights 1/MAE^2. */
    public static final String INVERSE_SQUARED = "inverse-squared-error";
    /** The candidate with the lowest backtest MAE alone. */
    public static final String BEST = "best";

    public CombinationSpec {
        if (shortBacktests < 0 || dayBacktests < 0 || shortStride <= 0 || dayStride <= 0 || top <= 0) {
            throw new IllegalArgumentException("backtests must be >= 0, strides and top > 0");
        }
        if (!INVERSE_SQUARED.equals(weighting) && !BEST.equals(weighting)) {
            throw new IllegalArgumentException("unknown weighting " + weighting);
        }
    }

    /**
     * The shipped setting: for the short head 96 backtests 6 grid steps apart (the last two days at 5
     * minutes), for the day head 24 six hours apart (the last six days); the best 3 candidates weighted
     * by 1/MAE^2. Fewer backtests gave noisier weights (held-out H1 MASE 0.856 with 24 hourly ones).
     */
    public static CombinationSpec defaults() {
        return new CombinationSpec(96, 6, 24, 6, INVERSE_SQUARED, 3);
    }
}
