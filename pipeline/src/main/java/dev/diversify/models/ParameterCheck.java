package dev.diversify.models;

import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Finds non-finite parameters (NaN or infinity), which a diverged training or a corrupt file leaves. */
public final class ParameterCheck {
    private ParameterCheck() {
    }

    /**
     * The name of the first layer whose parameters hold NaN or infinity, if any; empty when every parameter is
     * finite. One sum over all parameters decides; only when it is not finite are the layers summed one by one,
     * and {@code "(unknown layer)"} is returned when no single layer's sum is non-finite (the total overflowed).
     */
    public static Optional<String> firstNonFiniteLayer(ComputationGraph graph) {
        if (Double.isFinite(graph.params().sumNumber().doubleValue())) { // one pass over the flat view
            return Optional.empty();
        }
        for (Layer layer : graph.getLayers()) {
            INDArray params = layer.params();
            if (params != null && !params.isEmpty() && !Double.isFinite(params.sumNumber().doubleValue())) {
                return Optional.of(layer.conf().getLayer().getLayerName());
            }
        }
        return Optional.of("(unknown layer)");
    }
}
