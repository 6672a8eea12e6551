package dev.diversify.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * The registry of supported layer and vertex types, keyed by exact class: a subclass (a deconvolution
 * is a {@code ConvolutionLayer}) has different weights and is refused until it gets its own handler.
 * Adding a type is one entry here and one {@link LayerHandler}.
 */
public final class LayerHandlers {
    private static final Map<Class<?>, LayerHandler> BY_TYPE = new LinkedHashMap<>();

    static {
        BY_TYPE.put(ConvolutionLayer.class, new ConvolutionHandler());
        BY_TYPE.put(BatchNormalization.class, new BatchNormalizationHandler());
        BY_TYPE.put(DenseLayer.class, new DenseHandler("dense"));
        BY_TYPE.put(OutputLayer.class, new DenseHandler("output"));
        BY_TYPE.put(ActivationLayer.class, StructuralHandler.PASS_THROUGH);
        BY_TYPE.put(SubsamplingLayer.class, StructuralHandler.PASS_THROUGH);
        BY_TYPE.put(GlobalPoolingLayer.class, StructuralHandler.PASS_THROUGH);
        BY_TYPE.put(DropoutLayer.class, StructuralHandler.PASS_THROUGH);
        BY_TYPE.put(PreprocessorVertex.class, StructuralHandler.PASS_THROUGH);
        BY_TYPE.put(MergeVertex.class, StructuralHandler.CONCATENATE);
        BY_TYPE.put(ElementWiseVertex.class, StructuralHandler.ADD);
    }

    private LayerHandlers() {
    }

    /**
     * The handler of {@code vertex} (a layer vertex by its layer's exact class, any other by its own).
     *
     * @param name the vertex's name, for the message
     * @throws UnsupportedLayerException naming the vertex and its type when no handler supports it, or
     *     for an {@code ElementWiseVertex} whose op is not Add
     */
    public static LayerHandler of(String name, GraphVertex vertex) {
        Class<?> type = vertex instanceof LayerVertex layer ? layer.getLayerConf().getLayer().getClass() : vertex.getClass();
        LayerHandler handler = BY_TYPE.get(type);
        if (handler == null) {
            throw new UnsupportedLayerException(name, type.getSimpleName(), supported());
        }
        String refused = handler instanceof StructuralHandler structural ? structural.unsupported(vertex) : null;
        if (refused != null) {
            throw new UnsupportedLayerException(name, refused, supported());
        }
        return handler;
    }

    /** The simple names of the supported types, sorted (a new, modifiable set). */
    public static java.util.Set<String> supported() {
        TreeSet<String> names = new TreeSet<>();
        BY_TYPE.keySet().forEach(c -> names.add(c.getSimpleName()));
        return names;
    }
}
