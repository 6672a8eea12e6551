package dev.diversify.backend;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;

/**
 * Keeps DL4J on its fast CPU path: oneDNN layer helpers for convolution and pooling, and our own
 * {@link OneDnnBatchNorm} for batch norm. DL4J switches every helper off unless
 * {@value #HELPERS_DISABLE_PROPERTY} is {@code false}; it reads the property each time a layer is
 * created, so setting it before the first network is built works in any JVM (driver, executor, test).
 * The other half of that fix is {@code org.nd4j.nativeblas.Nd4jCpu}.
 */
public final class OneDnn {
    /** The system property DL4J reads: helpers are on only when it is {@code false}. */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    /**
     * The system property that keeps DL4J's own batch-norm helper when set to {@code dl4j} (to compare,
     * or to rule ours out); by default every batch norm runs on {@link OneDnnBatchNorm}.
     */
    public static final String BATCH_NORM_PROPERTY = "diversify.batchnorm";

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
     * Gives every batch-norm layer of {@code graph} that has DL4J's oneDNN helper an {@link OneDnnBatchNorm}
     * instead; layers without a helper (helpers disabled, fixed gamma and beta) keep DL4J's built-in path.
     * DL4J picks its helper when it creates a layer, and has no setting to choose another, hence the
     * reflection; call this after every {@code init()} (layers are created anew by {@code init}, {@code clone}
     * and by DL4J Spark's workers, where {@code train.BatchNormHook} calls it). Idempotent.
     *
     * @return {@code graph}
     */
    public static ComputationGraph useOwnBatchNorm(ComputationGraph graph) {
        if ("dl4j".equals(System.getProperty(BATCH_NORM_PROPERTY))) {
            return graph;
        }
        for (Layer layer : graph.getLayers()) {
            if (layer instanceof BatchNormalization bn && bn.getHelper() != null
                    && !(bn.getHelper() instanceof OneDnnBatchNorm)) {
                try {
                    BN_HELPER.set(bn, new OneDnnBatchNorm());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot replace DL4J's batch-norm helper", e);
                }
            }
        }
        return graph;
    }

    /**
     * The convolution, batch-norm and pooling layers of an initialised graph that did not get a
     * oneDNN helper (DL4J's for convolution and pooling, {@link OneDnnBatchNorm} for batch norm), as
     * {@code name (LayerClass)}. Empty means every such layer runs on oneDNN.
     */
    public static List<String> layersWithoutHelper(ComputationGraph graph) {
        List<String> missing = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            LayerHelper helper = layer.getHelper();
            boolean onOneDnn = layer.getClass() == BatchNormalization.class ? helper instanceof OneDnnBatchNorm
                    : helper != null && helper.getClass().getSimpleName().startsWith("MKLDNN");
            if (expectsHelper(layer) && !onOneDnn) {
                missing.add(layer.getConfig().getLayerName() + " (" + layer.getClass().getSimpleName() + ")");
            }
        }
        return missing;
    }

    private static final Field BN_HELPER = batchNormHelperField();

    private static Field batchNormHelperField() {
        try {
            Field field = BatchNormalization.class.getDeclaredField("helper");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DL4J's BatchNormalization layer has no 'helper' field: " + e);
        }
    }

    private static boolean expectsHelper(Layer layer) {
        return layer.getClass() == ConvolutionLayer.class
                || layer.getClass() == BatchNormalization.class
                || layer.getClass() == SubsamplingLayer.class;
    }
}
