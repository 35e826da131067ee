package dev.prescale.models.lstm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Direct multi-horizon quantile network: an LSTM encodes the context sequence, its last state joins
 * the static vector in a hidden dense layer, and a dense head emits p10/p50/p90 for every horizon
 * step at once. The head also sees the static vector directly (a linear skip), so a seasonal-naive
 * style forecast is easy to represent. Output shape {@code (batch, horizon, 3)}, in scaled units.
 * The same block serves training and prediction (one set of parameters).
 */
public final class QuantileLstmBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int stateSize;
    private final int hiddenSize;
    private final int horizon;
    private final LSTM lstm;
    private final Linear hidden;
    private final Linear head;

    public QuantileLstmBlock(int stateSize, int hiddenSize, int horizon) {
        super(VERSION);
        this.stateSize = stateSize;
        this.hiddenSize = hiddenSize;
        this.horizon = horizon;
        this.lstm = addChildBlock("lstm", LSTM.builder()
                .setStateSize(stateSize)
                .setNumLayers(1)
                .optBatchFirst(true)
                .optReturnState(false)
                .build());
        this.hidden = addChildBlock("hidden", Linear.builder().setUnits(hiddenSize).build());
        this.head = addChildBlock("head", Linear.builder().setUnits(horizon * 3L).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray sequence = inputs.get(0);
        NDArray statics = inputs.get(1);
        NDArray encoded = lstm.forward(store, new NDList(sequence), training).head();
        NDArray last = encoded.get(":, -1, :");
        NDArray h = Activation.relu(hidden.forward(store, new NDList(last.concat(statics, 1)), training).head());
        NDArray out = head.forward(store, new NDList(h.concat(statics, 1)), training).head();
        return new NDList(out.reshape(-1, horizon, 3));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), horizon, 3)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape seq = inputShapes[0];
        long batch = seq.get(0);
        long staticSize = inputShapes[1].get(1);
        lstm.initialize(manager, dataType, seq);
        hidden.initialize(manager, dataType, new Shape(batch, stateSize + staticSize));
        head.initialize(manager, dataType, new Shape(batch, hiddenSize + staticSize));
    }
}
