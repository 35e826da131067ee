package dev.prescale.models.lstm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Pinball (quantile) loss over p10, p50 and p90: mean of max(q d, (q - 1) d), d = y - f_q.
 * Labels are {@code (batch, horizon)}, predictions {@code (batch, horizon, 3)}.
 */
public final class PinballLoss extends Loss {

    static final float[] QUANTILES = {0.1f, 0.5f, 0.9f};

    public PinballLoss() {
        super("pinball");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray pred = predictions.singletonOrThrow();
        NDArray y = labels.singletonOrThrow().expandDims(2);
        NDArray q = pred.getManager().create(QUANTILES).reshape(1, 1, 3);
        NDArray d = y.sub(pred);
        return NDArrays.maximum(d.mul(q), d.mul(q.sub(1f))).mean();
    }
}
