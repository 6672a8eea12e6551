package dev.diversify.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense or output layer: its outputs (features, classes) always stay; it loses the input rows of
 * removed channels. Weights {@code W} have shape [nIn, nOut], bias [1, nOut]; it costs nIn*nOut MACs.
 * After global pooling a channel is one input; after flattening an H x W map it is H*W inputs, at
 * rows {@code c*H*W + p} for channels-first (NCHW) maps and {@code p*C + c} for channels-last (NHWC)
 * ones, the order DL4J's {@link CnnToFeedForwardPreProcessor} flattens in.
 */
final class DenseHandler implements LayerHandler {
    private final String kind;

    DenseHandler(String kind) {
        this.kind = kind;
    }

    private static FeedForwardLayer layer(GraphVertex vertex) {
        return (FeedForwardLayer) ((LayerVertex) vertex).getLayerConf().getLayer();
    }

    /** {@link ChannelFlow#FIXED}: features and classes always stay. */
    @Override
    public ChannelFlow flow() {
        return ChannelFlow.FIXED;
    }

    /** nOut, the number of features or classes. */
    @Override
    public int outChannels(GraphVertex vertex) {
        return (int) layer(vertex).getNOut();
    }

    /**
     * Sets nIn to the kept input rows, nIn/C per kept channel of the C-channel input (1 after global
     * pooling, H*W after flattening), and the flattening preprocessor's channel count; nOut stays.
     *
     * @throws IllegalArgumentException when nIn is not a whole multiple of the input's channels
     */
    @Override
    public Slices resize(String name, GraphVertex vertex, KeptChannels kept) {
        FeedForwardLayer dense = layer(vertex);
        int[] channels = kept.input();
        int total = kept.inputCount();
        if (dense.getNIn() % total != 0) {
            throw new IllegalArgumentException("'" + name + "' has " + dense.getNIn() + " inputs, not a whole number "
                    + "per channel of its " + total + "-channel input");
        }
        int perChannel = (int) (dense.getNIn() / total);
        CnnToFeedForwardPreProcessor flatten = ((LayerVertex) vertex).getPreProcessor()
                instanceof CnnToFeedForwardPreProcessor f ? f : null;
        // no flatten of its own: a PreprocessorVertex flattened channels-first (LayerHandlers refuses channels-last there)
        boolean channelsLast = flatten != null && flatten.getFormat() == CNN2DFormat.NHWC;
        int[] in = new int[channels.length * perChannel];
        int k = 0;
        if (channelsLast) {
            for (int p = 0; p < perChannel; p++) {
                for (int c : channels) {
                    in[k++] = p * total + c;
                }
            }
        } else {
            for (int c : channels) {
                for (int p = 0; p < perChannel; p++) {
                    in[k++] = c * perChannel + p;
                }
            }
        }
        dense.setNIn(in.length);
        if (flatten != null) {
            flatten.setNumChannels(channels.length);
        }
        return new Slices(in, null);
    }

    /** Keeps the kept rows (dimension 0) of {@code W} [nIn, nOut]; the bias [1, nOut] is copied whole. */
    @Override
    public void copy(Map<String, INDArray> from, Map<String, INDArray> to, Slices slices) {
        from.forEach((key, value) -> to.get(key).assign(key.equals("W") ? Slicing.select(value, 0, slices.in()) : value));
    }

    /** Parameters nIn*nOut (+ nOut with a bias); MACs nIn*nOut. */
    @Override
    public LayerCost cost(String name, GraphVertex vertex, InputType output) {
        FeedForwardLayer dense = layer(vertex);
        boolean hasBias = dense instanceof DenseLayer d ? d.hasBias() : ((BaseOutputLayer) dense).hasBias();
        long weights = dense.getNIn() * dense.getNOut();
        long bias = hasBias ? dense.getNOut() : 0;
        return new LayerCost(name, kind, dense.getNIn(), dense.getNOut(), weights + bias, 0, weights);
    }
}
