package dev.diversify.surgery;

import dev.diversify.models.Models;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch norm folded into the preceding convolution, for inference: where a convolution (identity
 * activation, channels first) feeds only a batch norm, the batch norm's inference transform
 * {@code y = gamma (z - mean) / sqrt(var + eps) + beta} becomes the convolution's weights and bias,
 * {@code W' = W s}, {@code b' = (b - mean) s + beta} with {@code s = gamma / sqrt(var + eps)} per output
 * channel, and the batch-norm vertex is removed (its consumers read the convolution). Batch norms after
 * anything else (DenseNet's batch norm after a concatenation) stay. The result computes what the
 * original computes in inference mode, within float rounding; it must not be trained (training-mode
 * batch statistics are gone).
 */
public final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /**
     * A new network with every foldable batch norm folded; {@code network} is not changed.
     *
     * @return the folded network and the names of the batch norms folded away
     */
    public static Folded fold(ComputationGraph network) {
        ComputationGraphConfiguration conf = network.getConfiguration().clone();
        Map<String, List<String>> inputs = conf.getVertexInputs();
        Map<String, String> convOf = new LinkedHashMap<>(); // batch norm -> the convolution it folds into
        conf.getVertices().forEach((name, vertex) -> {
            String conv = foldableInto(conf, name, vertex);
            if (conv != null) {
                convOf.put(name, conv);
            }
        });
        for (Map.Entry<String, String> fold : convOf.entrySet()) {
            String bn = fold.getKey();
            String conv = fold.getValue();
            ((ConvolutionLayer) layer(conf.getVertices().get(conv))).setHasBias(true);
            conf.getVertices().remove(bn);
            inputs.remove(bn);
            inputs.replaceAll((vertex, in) -> in.stream().map(i -> i.equals(bn) ? conv : i).toList());
            conf.setNetworkOutputs(conf.getNetworkOutputs().stream().map(o -> o.equals(bn) ? conv : o).toList());
        }
        conf.setTopologicalOrder(null); // recomputed for the smaller graph
        conf.setTopologicalOrderStr(null);
        ComputationGraph folded = Models.initialise(conf);
        Map<String, String> batchNormOf = new LinkedHashMap<>();
        convOf.forEach((bn, conv) -> batchNormOf.put(conv, bn));
        for (Layer target : folded.getLayers()) {
            String name = target.getConfig().getLayerName();
            Map<String, INDArray> from = network.getLayer(name).paramTable();
            String bn = batchNormOf.get(name);
            if (bn == null) {
                from.forEach((key, value) -> target.setParam(key, value.dup()));
            } else {
                foldInto(target, from, network.getLayer(bn));
            }
        }
        return new Folded(folded, new ArrayList<>(convOf.keySet()));
    }

    /** A folded network and the batch norms folded away, by vertex name. */
    public record Folded(ComputationGraph network, List<String> foldedBatchNorms) {
    }

    /** The convolution batch norm {@code name} folds into, or null. */
    private static String foldableInto(ComputationGraphConfiguration conf, String name, GraphVertex vertex) {
        if (!(layer(vertex) instanceof BatchNormalization bn) || bn.getClass() != BatchNormalization.class
                || bn.isLockGammaBeta() || ((LayerVertex) vertex).getPreProcessor() != null
                || conf.getVertexInputs().get(name).size() != 1) {
            return null;
        }
        String producer = conf.getVertexInputs().get(name).get(0);
        if (!(layer(conf.getVertices().get(producer)) instanceof ConvolutionLayer conv)
                || conv.getClass() != ConvolutionLayer.class || !(conv.getActivationFn() instanceof ActivationIdentity)
                || conv.getCnn2dDataFormat() != CNN2DFormat.NCHW || bn.getCnn2DFormat() != CNN2DFormat.NCHW
                || conf.getNetworkOutputs().contains(producer)) {
            return null;
        }
        long consumers = conf.getVertexInputs().values().stream().filter(in -> in.contains(producer)).count();
        return consumers == 1 ? producer : null;
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layer(GraphVertex vertex) {
        return vertex instanceof LayerVertex v ? v.getLayerConf().getLayer() : null;
    }

    /** W' = W s and b' = (b - mean) s + beta into {@code target}, s = gamma / sqrt(var + eps) per channel. */
    private static void foldInto(Layer target, Map<String, INDArray> conv, Layer batchNorm) {
        BatchNormalization bn = (BatchNormalization) batchNorm.getConfig();
        Map<String, INDArray> p = batchNorm.paramTable();
        INDArray variance = bn.isUseLogStd() // DL4J stores log10 of the standard deviation: var = (10^l)^2
                ? Transforms.exp(p.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).mul(2 * Math.log(10)), false)
                : p.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
        INDArray scale = p.get(BatchNormalizationParamInitializer.GAMMA).reshape(-1)
                .div(Transforms.sqrt(variance.reshape(-1).add(bn.getEps()), false));
        INDArray w = conv.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray bias = conv.containsKey(ConvolutionParamInitializer.BIAS_KEY)
                ? conv.get(ConvolutionParamInitializer.BIAS_KEY).reshape(-1).dup() : Nd4j.zeros(w.dataType(), w.size(0));
        INDArray folded = w.mul(scale.reshape(w.size(0), 1, 1, 1).broadcast(w.shape())); // each filter by its s
        INDArray b = bias.subi(p.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(-1)).muli(scale)
                .addi(p.get(BatchNormalizationParamInitializer.BETA).reshape(-1));
        target.setParam(ConvolutionParamInitializer.WEIGHT_KEY, folded);
        target.setParam(ConvolutionParamInitializer.BIAS_KEY, b.reshape(target.getParam(ConvolutionParamInitializer.BIAS_KEY).shape()));
    }
}
