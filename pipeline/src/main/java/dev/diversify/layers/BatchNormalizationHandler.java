package dev.diversify.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalisation: passes channels through; its four arrays (gamma, beta, running mean and
 * variance, each [1, n]) lose the removed channels' entries (ALGORITHM.md, "What a removed output
 * channel takes with it"). DL4J stores the variance as {@code log10stdev} by default ({@code useLogStd});
 * every array present is sliced alike. Gamma and beta are trainable parameters (unless locked); mean
 * and variance are counted apart as statistics.
 */
final class BatchNormalizationHandler implements LayerHandler {
    private static BatchNormalization bn(GraphVertex vertex) {
        return (BatchNormalization) ((LayerVertex) vertex).getLayerConf().getLayer();
    }

    /** {@link ChannelFlow#PASS_THROUGH}. */
    @Override
    public ChannelFlow flow() {
        return ChannelFlow.PASS_THROUGH;
    }

    /** Sets nIn = nOut = the kept input channels; the slices keep those channels on both sides. */
    @Override
    public Slices resize(String name, GraphVertex vertex, KeptChannels kept) {
        BatchNormalization bn = bn(vertex);
        int[] in = kept.input();
        bn.setNIn(in.length);
        bn.setNOut(in.length);
        return new Slices(in, in);
    }

    /** Keeps the {@code slices.in()} entries of every array, along its last dimension. */
    @Override
    public void copy(Map<String, INDArray> from, Map<String, INDArray> to, Slices slices) {
        from.forEach((key, value) -> to.get(key).assign(Slicing.select(value, value.rank() - 1, slices.in())));
    }

    /** n channels: 2n parameters (0 when gamma and beta are locked), 2n statistics, no MACs. */
    @Override
    public LayerCost cost(String name, GraphVertex vertex, InputType output) {
        BatchNormalization bn = bn(vertex);
        long channels = bn.getNOut();
        long affine = bn.isLockGammaBeta() ? 0 : 2 * channels;
        return new LayerCost(name, "batchnorm", channels, channels, affine, 2 * channels, 0);
    }
}
