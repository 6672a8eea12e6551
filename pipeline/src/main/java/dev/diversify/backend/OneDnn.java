package dev.diversify.backend;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Keeps DL4J on its fast CPU path: convolution, batch norm and ReLU on our own oneDNN layers
 * ({@link OneDnnConvolution}, {@link OneDnnBatchNorm}, {@link OneDnnRelu}), pooling on DL4J's oneDNN helper.
 * DL4J switches every helper off unless {@value #HELPERS_DISABLE_PROPERTY} is {@code false}; it reads the property each
 * time a layer is created, so setting it before the first network is built works in any JVM (driver,
 * executor, test). The other half of that fix is {@code org.nd4j.nativeblas.Nd4jCpu}.
 */
public final class OneDnn {
    /** The system property DL4J reads: helpers are on only when it is {@code false}. */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    /**
     * The system property that keeps DL4J's own oneDNN helper for batch norm when set to {@code dl4j}
     * (to compare, or to rule ours out); by default batch norm runs on {@link OneDnnBatchNorm}.
     */
    public static final String BATCH_NORM_PROPERTY = "diversify.batchnorm";

    /**
     * The system property that keeps DL4J's own oneDNN helper for convolutions when set to {@code dl4j};
     * by default they run on {@link OneDnnConvolution}.
     */
    public static final String CONVOLUTION_PROPERTY = "diversify.convolution";

    /**
     * The system property that keeps DL4J's own activation layer for ReLU when set to {@code dl4j}; by
     * default ReLU activation layers run on {@link OneDnnRelu}.
     */
    public static final String RELU_PROPERTY = "diversify.relu";

    private static final Field CONVOLUTION_HELPER = helperField(ConvolutionLayer.class);
    private static final Field BATCH_NORM_HELPER = helperField(BatchNormalization.class);

    private OneDnn() {
    }

    /** Enables DL4J's layer helpers unless the user set the property explicitly (an opt-out for debugging). */
    public static void enableHelpers() {
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
    }

    /**
     * Sets how many OpenMP threads oneDNN uses for calls made from the current thread (OpenMP's
     * {@code omp_set_num_threads} applies to the thread that calls it; ND4J and our oneDNN share one OpenMP
     * runtime: a training process maps one {@code libgomp.so.1}, ND4J's). Primitives created on this thread
     * afterwards are balanced for that many threads. Why: Spark runs one training task per core, and each
     * task's oneDNN calls used OpenMP's default (4 threads on 2 cores here), so threads waited for each other
     * at oneDNN's barriers (docs/PERFORMANCE.md, "Threads per Spark task"). Does nothing when
     * {@code threads} is 0 or less, or when this process's environment sets {@code OMP_NUM_THREADS} (the
     * user's choice wins).
     *
     * @return the number of threads OpenMP gives this thread's parallel regions afterwards
     */
    public static int useThreadsOnThisThread(int threads) {
        Nd4j.getExecutioner(); // loads ND4J's native library, which NativeOpsHolder expects loaded
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        if (threads > 0 && System.getenv("OMP_NUM_THREADS") == null) {
            ops.setOmpNumThreads(threads);
        }
        return ops.ompGetMaxThreads();
    }

    /** True when ND4J's native library was built with oneDNN. */
    public static boolean backendHasOneDnn() {
        return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }

    /**
     * Gives every convolution and batch-norm layer of {@code graph} our oneDNN implementation
     * ({@link OneDnnConvolution}, {@link OneDnnBatchNorm}) as its helper, and puts {@link OneDnnRelu} in the
     * place of every ReLU activation layer, unless {@value #CONVOLUTION_PROPERTY}, {@value #BATCH_NORM_PROPERTY}
     * or {@value #RELU_PROPERTY} is {@code dl4j}, or {@value #HELPERS_DISABLE_PROPERTY} was set to
     * {@code true} (an opt-out for debugging); batch norms with fixed gamma and beta keep DL4J's path.
     * The configuration is left as it is: a network saved afterwards is DL4J's own.
     * Ours does not depend on DL4J's helpers being on: a Spark executor started without that property
     * still gets it.
     * DL4J picks its helper when it creates a layer and has no setting to choose another, hence the
     * reflection. Call this after every {@code init()}: layers are created anew by {@code init},
     * {@code clone} and by DL4J Spark's workers (where {@code train.OneDnnHook} calls it). Idempotent.
     *
     * @return {@code graph}
     */
    public static ComputationGraph useOwnHelpers(ComputationGraph graph) {
        if ("true".equals(System.getProperty(HELPERS_DISABLE_PROPERTY))) {
            return graph;
        }
        boolean batchNorm = ours(BATCH_NORM_PROPERTY);
        boolean convolution = ours(CONVOLUTION_PROPERTY);
        for (Layer layer : graph.getLayers()) {
            LayerHelper helper = layer.getHelper();
            if (helper instanceof OneDnnConvolution || helper instanceof OneDnnBatchNorm) {
                continue;
            }
            if (convolution && layer.getClass() == ConvolutionLayer.class) {
                boolean hasBias = ((org.deeplearning4j.nn.conf.layers.ConvolutionLayer) layer.getConfig()).hasBias();
                replace(CONVOLUTION_HELPER, layer, new OneDnnConvolution(hasBias));
            } else if (batchNorm && layer.getClass() == BatchNormalization.class
                    && !((org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.getConfig()).isLockGammaBeta()) {
                replace(BATCH_NORM_HELPER, layer, new OneDnnBatchNorm());
            }
        }
        if (ours(RELU_PROPERTY)) {
            replaceRelus(graph);
        }
        return graph;
    }

    /** Swaps each DL4J ReLU activation layer for {@link OneDnnRelu}, in its vertex and in the graph's layer array. */
    private static void replaceRelus(ComputationGraph graph) {
        Layer[] layers = graph.getLayers();
        for (GraphVertex vertex : graph.getVertices()) {
            if (vertex instanceof LayerVertex layerVertex && vertex.getLayer().getClass() == ActivationLayer.class
                    && isRelu(vertex.getLayer())) {
                OneDnnRelu relu = new OneDnnRelu(vertex.getLayer());
                for (int i = 0; i < layers.length; i++) {
                    if (layers[i] == vertex.getLayer()) {
                        layers[i] = relu;
                    }
                }
                layerVertex.setLayer(relu);
            }
        }
    }

    /**
     * The convolution, batch-norm, pooling and ReLU layers of an initialised graph that do not run on the
     * oneDNN implementation they should (ours for convolution, batch norm and ReLU unless a property chose
     * DL4J's, DL4J's helper for pooling), as {@code name (LayerClass)}. Empty means every such layer does.
     */
    public static List<String> layersWithoutHelper(ComputationGraph graph) {
        List<String> missing = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            LayerHelper helper = layer.getHelper();
            boolean dl4js = helper != null && helper.getClass().getSimpleName().startsWith("MKLDNN");
            boolean expected;
            boolean onOneDnn;
            if (layer.getClass() == BatchNormalization.class) {
                expected = true;
                onOneDnn = ours(BATCH_NORM_PROPERTY) ? helper instanceof OneDnnBatchNorm : dl4js;
            } else if (layer.getClass() == ConvolutionLayer.class) {
                expected = true;
                onOneDnn = ours(CONVOLUTION_PROPERTY) ? helper instanceof OneDnnConvolution : dl4js;
            } else if (layer instanceof ActivationLayer) {
                expected = ours(RELU_PROPERTY) && isRelu(layer);
                onOneDnn = layer instanceof OneDnnRelu;
            } else {
                expected = layer.getClass() == SubsamplingLayer.class;
                onOneDnn = dl4js;
            }
            if (expected && !onOneDnn) {
                missing.add(layer.getConfig().getLayerName() + " (" + layer.getClass().getSimpleName() + ")");
            }
        }
        return missing;
    }

    private static boolean isRelu(Layer layer) {
        return OneDnnRelu.isPlainRelu(((org.deeplearning4j.nn.conf.layers.ActivationLayer) layer.conf().getLayer())
                .getActivationFn());
    }

    private static boolean ours(String property) {
        return !"dl4j".equals(System.getProperty(property));
    }

    private static void replace(Field field, Layer layer, LayerHelper helper) {
        try {
            field.set(layer, helper);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot replace DL4J's helper of " + layer.getClass().getSimpleName(), e);
        }
    }

    private static Field helperField(Class<?> layerClass) {
        try {
            Field field = layerClass.getDeclaredField("helper");
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DL4J's " + layerClass.getSimpleName() + " has no 'helper' field: " + e);
        }
    }
}
