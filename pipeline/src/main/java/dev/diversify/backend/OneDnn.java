package dev.diversify.backend;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;

/**
 * Keeps DL4J on its fast CPU path: oneDNN layer helpers for convolution, batch norm and pooling.
 * DL4J switches every helper off unless {@value #HELPERS_DISABLE_PROPERTY} is {@code false}; it reads
 * the property each time a layer is created, so setting it before the first network is built works
 * in any JVM (driver, executor, test). The other half of the fix is {@code org.nd4j.nativeblas.Nd4jCpu}.
 */
public final class OneDnn {
    /** The system property DL4J reads: helpers are on only when it is {@code false}. */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private OneDnn() {
    }

    /** Enables DL4J's layer helpers unless the user set the property explicitly (an opt-out for debugging). */
    public static void enableHelpers() {
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
    }

    /** True when ND4J's native library was built with oneDNN. */
    public static boolean backendHasOneDnn() {
        return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }

    /**
     * The convolution, batch-norm and pooling layers of an initialised graph that did not get a
     * oneDNN helper, as {@code name (LayerClass)}. Empty means every such layer runs on oneDNN.
     */
    public static List<String> layersWithoutHelper(ComputationGraph graph) {
        List<String> missing = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            LayerHelper helper = layer.getHelper();
            if (expectsHelper(layer) && (helper == null || !helper.getClass().getSimpleName().startsWith("MKLDNN"))) {
                missing.add(layer.getConfig().getLayerName() + " (" + layer.getClass().getSimpleName() + ")");
            }
        }
        return missing;
    }

    private static boolean expectsHelper(Layer layer) {
        return layer.getClass() == ConvolutionLayer.class
                || layer.getClass() == BatchNormalization.class
                || layer.getClass() == SubsamplingLayer.class;
    }
}
