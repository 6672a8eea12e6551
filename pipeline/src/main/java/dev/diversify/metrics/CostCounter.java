package dev.diversify.metrics;

import dev.diversify.graph.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * Counts parameters and multiply-accumulates of any {@link ComputationGraphConfiguration} built from
 * 2D convolutions, batch norms, activations, pooling, dropout, dense and output layers, element-wise
 * and merge vertices. Counts come from the configuration (no weights needed), following the
 * convention of the pruning literature: a convolution costs kH*kW*Cin*Cout MACs per output pixel,
 * a dense layer nIn*nOut; batch norm, activations, pooling and additions cost nothing.
 */
public final class CostCounter {
    private CostCounter() {
    }

    /** The cost of {@code conf} for one input of type {@code input}, layers in topological order. */
    public static ModelCost count(ComputationGraphConfiguration conf, InputType input) {
        Map<String, InputType> outputTypes = conf.getLayerActivationTypes(input);
        Map<String, GraphVertex> vertices = conf.getVertices();
        List<LayerCost> layers = new ArrayList<>();
        for (String name : Topology.order(conf)) {
            GraphVertex vertex = vertices.get(name);
            if (vertex == null || vertex instanceof ElementWiseVertex || vertex instanceof MergeVertex
                    || vertex instanceof PreprocessorVertex) {
                continue; // network inputs and parameter-free vertices
            }
            if (!(vertex instanceof LayerVertex layerVertex)) {
                throw unsupported(name, vertex.getClass());
            }
            LayerCost cost = layerCost(name, layerVertex.getLayerConf().getLayer(), outputTypes.get(name));
            if (cost != null) {
                layers.add(cost);
            }
        }
        return new ModelCost(layers);
    }

    /** The cost of a parametric layer; null for layers that have neither parameters nor MACs. */
    private static LayerCost layerCost(String name, Layer layer, InputType output) {
        Class<?> type = layer.getClass();
        if (type == ConvolutionLayer.class) {
            ConvolutionLayer conv = (ConvolutionLayer) layer;
            int[] kernel = conv.getKernelSize();
            long weights = conv.getNIn() * conv.getNOut() * kernel[0] * kernel[1];
            long bias = conv.hasBias() ? conv.getNOut() : 0;
            InputType.InputTypeConvolutional map = (InputType.InputTypeConvolutional) output;
            long macs = weights * map.getHeight() * map.getWidth();
            return new LayerCost(name, "conv", conv.getNIn(), conv.getNOut(), weights + bias, 0, macs);
        }
        if (type == BatchNormalization.class) {
            BatchNormalization bn = (BatchNormalization) layer;
            long channels = bn.getNOut();
            long affine = bn.isLockGammaBeta() ? 0 : 2 * channels;
            return new LayerCost(name, "batchnorm", channels, channels, affine, 2 * channels, 0);
        }
        if (type == DenseLayer.class || layer instanceof BaseOutputLayer) {
            FeedForwardLayer dense = (FeedForwardLayer) layer;
            boolean hasBias = layer instanceof DenseLayer d ? d.hasBias() : ((BaseOutputLayer) layer).hasBias();
            long weights = dense.getNIn() * dense.getNOut();
            long bias = hasBias ? dense.getNOut() : 0;
            String kind = type == DenseLayer.class ? "dense" : "output";
            return new LayerCost(name, kind, dense.getNIn(), dense.getNOut(), weights + bias, 0, weights);
        }
        if (type == ActivationLayer.class || type == SubsamplingLayer.class || type == GlobalPoolingLayer.class
                || type == DropoutLayer.class) {
            return null;
        }
        throw unsupported(name, type);
    }

    private static UnsupportedOperationException unsupported(String name, Class<?> type) {
        return new UnsupportedOperationException("cannot count the cost of '" + name + "': "
                + type.getSimpleName() + " is not a supported layer or vertex type");
    }
}
