package dev.diversify.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A 2D convolution ({@link ConvolutionLayer}, any kernel, stride, padding, dilation): its filters are
 * the prunable channels. Weights {@code W} have shape [nOut, nIn, kH, kW], bias {@code b} [1, nOut];
 * it costs kH*kW*nIn*nOut MACs per output pixel.
 */
final class ConvolutionHandler implements LayerHandler {
    private static ConvolutionLayer conv(GraphVertex vertex) {
        return (ConvolutionLayer) ((LayerVertex) vertex).getLayerConf().getLayer();
    }

    /** {@link ChannelFlow#PRUNABLE}: the filters are the channels pruning removes. */
    @Override
    public ChannelFlow flow() {
        return ChannelFlow.PRUNABLE;
    }

    /** nOut, the number of filters. */
    @Override
    public int outChannels(GraphVertex vertex) {
        return (int) conv(vertex).getNOut();
    }

    /** Sets nIn to the kept input channels and nOut to the kept filters; the slices keep both. */
    @Override
    public Slices resize(String name, GraphVertex vertex, KeptChannels kept) {
        ConvolutionLayer conv = conv(vertex);
        int[] in = kept.input();
        int[] out = kept.output();
        conv.setNIn(in.length);
        conv.setNOut(out.length);
        return new Slices(in, out);
    }

    /**
     * Keeps {@code W}'s kept filters (dimension 0) and, of those, the kept input channels (dimension 1)
     * of [nOut, nIn, kH, kW]; the bias keeps the kept filters along its last dimension.
     */
    @Override
    public void copy(Map<String, INDArray> from, Map<String, INDArray> to, Slices slices) {
        for (Map.Entry<String, INDArray> p : from.entrySet()) {
            INDArray value = p.getValue();
            INDArray kept = p.getKey().equals("W")
                    ? Slicing.select(Slicing.select(value, 0, slices.out()), 1, slices.in()) // [out, in, kH, kW]
                    : Slicing.select(value, value.rank() - 1, slices.out());                // bias [1, out]
            to.get(p.getKey()).assign(kept);
        }
    }

    /**
     * Parameters nIn*nOut*kH*kW (+ nOut with a bias); MACs nIn*nOut*kH*kW*H*W for an H x W output map.
     *
     * @throws ClassCastException when {@code output} is not convolutional
     */
    @Override
    public LayerCost cost(String name, GraphVertex vertex, InputType output) {
        ConvolutionLayer conv = conv(vertex);
        int[] kernel = conv.getKernelSize();
        long weights = conv.getNIn() * conv.getNOut() * kernel[0] * kernel[1];
        long bias = conv.hasBias() ? conv.getNOut() : 0;
        InputType.InputTypeConvolutional map = (InputType.InputTypeConvolutional) output;
        long macs = weights * map.getHeight() * map.getWidth();
        return new LayerCost(name, "conv", conv.getNIn(), conv.getNOut(), weights + bias, 0, macs);
    }
}
