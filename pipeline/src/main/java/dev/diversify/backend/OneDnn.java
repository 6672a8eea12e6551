package dev.diversify.backend;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.graph.vertex.impl.MergeVertex;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Keeps DL4J on its fast CPU path: convolution, batch norm, ReLU, pooling, residual additions and concatenations
 * on our own oneDNN layers ({@link OneDnnConvolution}, {@link OneDnnBatchNorm}, {@link OneDnnRelu},
 * {@link OneDnnPooling}, {@link OneDnnAdd}, {@link OneDnnConcat}), whose activations are channels-last
 * ({@link Layout}); pooling's backward pass and the pooling ours does not handle on DL4J's oneDNN helper.
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

    /**
     * The system property that keeps DL4J's own pooling layer when set to {@code dl4j}; by default max and average
     * pooling run forward on {@link OneDnnPooling}.
     */
    public static final String POOLING_PROPERTY = "diversify.pooling";

    /**
     * The system property that keeps DL4J's own vertex for additions when set to {@code dl4j}; by default
     * they run on {@link OneDnnAdd}.
     */
    public static final String ADD_PROPERTY = "diversify.add";

    /**
     * The system property that keeps DL4J's own vertex for concatenations when set to {@code dl4j}; by default
     * concatenations along channels run on {@link OneDnnConcat}.
     */
    public static final String CONCAT_PROPERTY = "diversify.concat";

    /**
     * The system property that leaves the sums of channels-last gradients to ND4J's addition when set to
     * {@code nd4j}; by default our layers return gradients that add fast ({@link ChannelsLastGradient}).
     */
    public static final String SUM_PROPERTY = "diversify.sum";

    private static final Field CONVOLUTION_HELPER = accessible(ConvolutionLayer.class, "helper");
    private static final Field BATCH_NORM_HELPER = accessible(BatchNormalization.class, "helper");
    private static final Field VERTICES_MAP = accessible(ComputationGraph.class, "verticesMap");

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
     * at oneDNN's barriers (docs/PERFORMANCE.md, "Threads per Spark task").
     *
     * <p>Also makes ND4J's BLAS (OpenBLAS, which computes DL4J's dense layers) single-threaded, for the whole
     * process: OpenBLAS keeps a thread pool of its own beside OpenMP's, whose threads spin after each matrix
     * product and took the cores from the oneDNN calls that followed (inference 1.17-1.23x and training
     * 1.04-1.31x faster with one BLAS thread: docs/PERFORMANCE.md, "OpenBLAS's own threads"). The products it
     * computes here are small: the networks' classifier layers and the filter similarities of ALGORITHM.md, "Per
     * layer: which filters go".
     *
     * <p>Does nothing when {@code threads} is 0 or less. Where this process's environment sets
     * {@code OMP_NUM_THREADS} OpenMP keeps it, and where it sets {@code OPENBLAS_NUM_THREADS} OpenBLAS gets that
     * many threads (ND4J replaces OpenBLAS's own reading of it at start-up): the user's choice wins.
     *
     * @throws IllegalArgumentException when {@code OPENBLAS_NUM_THREADS} is set but not a positive integer
     * @return the number of threads OpenMP gives this thread's parallel regions afterwards
     */
    public static int useThreadsOnThisThread(int threads) {
        Nd4j.getExecutioner(); // loads ND4J's native library, which NativeOpsHolder expects loaded
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        if (threads > 0) {
            if (System.getenv("OMP_NUM_THREADS") == null) {
                ops.setOmpNumThreads(threads);
            }
            int blasThreads = blasThreads(System.getenv("OPENBLAS_NUM_THREADS"));
            var blas = Nd4j.factory().blas();
            if (blas.getMaxThreads() != blasThreads) {
                blas.setMaxThreads(blasThreads);
            }
        }
        return ops.ompGetMaxThreads();
    }

    /** OpenBLAS's threads: 1, or what {@code OPENBLAS_NUM_THREADS} ({@code setting}, null when unset) says. */
    static int blasThreads(String setting) {
        if (setting == null) {
            return 1;
        }
        try {
            int threads = Integer.parseInt(setting.trim());
            if (threads > 0) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // refused below, with the value
        }
        throw new IllegalArgumentException("OPENBLAS_NUM_THREADS must be a positive integer, got '" + setting + "'");
    }

    /** True when ND4J's native library was built with oneDNN. */
    public static boolean backendHasOneDnn() {
        return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }

    /**
     * Gives every convolution and batch-norm layer of {@code graph} our oneDNN implementation
     * ({@link OneDnnConvolution}, {@link OneDnnBatchNorm}) as its helper, and puts {@link OneDnnRelu} in the
     * place of every ReLU activation layer, {@link OneDnnPooling} in the place of every max or average pooling layer
     * it handles, {@link OneDnnAdd} in the place of every addition vertex and
     * {@link OneDnnConcat} in the place of every concatenation along channels, unless
     * {@value #CONVOLUTION_PROPERTY}, {@value #BATCH_NORM_PROPERTY}, {@value #RELU_PROPERTY},
     * {@value #POOLING_PROPERTY}, {@value #ADD_PROPERTY} or {@value #CONCAT_PROPERTY} is {@code dl4j}, or {@value #HELPERS_DISABLE_PROPERTY} was set to
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
        for (Layer layer : graph.getLayers()) {
            if (isOurBatchNorm(layer) && !(layer.getHelper() instanceof OneDnnBatchNorm)) {
                replace(BATCH_NORM_HELPER, layer, new OneDnnBatchNorm());
            }
        }
        if (ours(RELU_PROPERTY)) {
            replaceLayers(graph, layer -> layer.getClass() == ActivationLayer.class && isRelu(layer), OneDnnRelu::new);
        }
        if (ours(POOLING_PROPERTY)) {
            replaceLayers(graph, layer -> layer.getClass() == SubsamplingLayer.class && isOurPooling(layer),
                    OneDnnPooling::new);
        }
        if (ours(ADD_PROPERTY)) {
            replaceVertices(graph, v -> v.getClass() == ElementWiseVertex.class && isAdd(graph, v.getVertexName()),
                    v -> new OneDnnAdd((ElementWiseVertex) v));
        }
        if (ours(CONCAT_PROPERTY)) {
            // each one's layout asks whether its consumers, later concatenations among them, are ours
            replaceVertices(graph, v -> isChannelConcat(graph, v),
                    v -> new OneDnnConcat((MergeVertex) v, layoutChoice(graph, v)));
        }
        for (GraphVertex vertex : graph.getVertices()) {
            Layer layer = vertex.getLayer();
            if (isOurConvolution(layer) && !(layer.getHelper() instanceof OneDnnConvolution)) {
                boolean hasBias = ((org.deeplearning4j.nn.conf.layers.ConvolutionLayer) layer.getConfig()).hasBias();
                replace(CONVOLUTION_HELPER, layer, new OneDnnConvolution(hasBias, layoutChoice(graph, vertex)));
            }
        }
        return graph;
    }

    /** How {@code vertex} chooses its outputs' layout, from its consumers ({@link Layout#forOutput}). */
    private static Layout.Choice layoutChoice(ComputationGraph graph, GraphVertex vertex) {
        boolean readByBatchNorm = vertex.getOutputVertices() != null && Arrays.stream(vertex.getOutputVertices())
                .map(consumer -> graph.getVertices()[consumer.getVertexIndex()].getLayer())
                .anyMatch(OneDnn::isOurBatchNorm);
        return Layout.forOutput(feedsOnlyOurs(graph, vertex), readByBatchNorm);
    }

    /** True when every consumer of {@code vertex}'s output is one of our layers or vertices (set up before it). */
    private static boolean feedsOnlyOurs(ComputationGraph graph, GraphVertex vertex) {
        if (vertex.getOutputVertices() == null || vertex.getOutputVertices().length == 0 || vertex.isOutputVertex()) {
            return false;
        }
        for (VertexIndices consumer : vertex.getOutputVertices()) {
            GraphVertex next = graph.getVertices()[consumer.getVertexIndex()];
            Layer layer = next.getLayer();
            boolean ours = next instanceof OneDnnAdd || isOurConcat(graph, next) || layer instanceof OneDnnRelu
                    || layer instanceof OneDnnPooling || isOurConvolution(layer)
                    || (isOurBatchNorm(layer) && layer.getHelper() instanceof OneDnnBatchNorm);
            if (!ours) {
                return false;
            }
        }
        return true;
    }

    private static boolean isOurConvolution(Layer layer) {
        return layer != null && layer.getClass() == ConvolutionLayer.class && ours(CONVOLUTION_PROPERTY);
    }

    private static boolean isOurBatchNorm(Layer layer) {
        return layer != null && layer.getClass() == BatchNormalization.class && ours(BATCH_NORM_PROPERTY)
                && !((org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.getConfig()).isLockGammaBeta();
    }

    /**
     * True for a concatenation along channels that runs, or is about to run, on {@link OneDnnConcat}: one
     * replaced already, or a DL4J one that {@link #useOwnHelpers} replaces.
     */
    private static boolean isOurConcat(ComputationGraph graph, GraphVertex vertex) {
        return vertex instanceof OneDnnConcat || (ours(CONCAT_PROPERTY) && isChannelConcat(graph, vertex));
    }

    private static boolean isChannelConcat(ComputationGraph graph, GraphVertex vertex) {
        return vertex.getClass() == MergeVertex.class
                && graph.getConfiguration().getVertices().get(vertex.getVertexName())
                        instanceof org.deeplearning4j.nn.conf.graph.MergeVertex conf
                && conf.getMergeAxis() == 1;
    }

    /**
     * Swaps each vertex that {@code which} accepts for its {@code replacement}, in the graph's vertex array and
     * its lookup by name.
     */
    private static void replaceVertices(ComputationGraph graph, Predicate<GraphVertex> which,
                                        UnaryOperator<GraphVertex> replacement) {
        GraphVertex[] vertices = graph.getVertices();
        for (int i = 0; i < vertices.length; i++) {
            if (which.test(vertices[i])) {
                GraphVertex ours = replacement.apply(vertices[i]);
                vertices[i] = ours;
                verticesByName(graph).put(ours.getVertexName(), ours);
            }
        }
    }

    private static boolean isAdd(ComputationGraph graph, String vertex) {
        return graph.getConfiguration().getVertices().get(vertex)
                instanceof org.deeplearning4j.nn.conf.graph.ElementWiseVertex conf
                && conf.getOp() == org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, GraphVertex> verticesByName(ComputationGraph graph) {
        try {
            return (Map<String, GraphVertex>) VERTICES_MAP.get(graph);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot replace DL4J's vertices", e);
        }
    }

    /**
     * Swaps each DL4J layer that {@code which} accepts for its {@code replacement} ({@link OneDnnRelu},
     * {@link OneDnnPooling}), in its vertex and in the graph's layer array.
     */
    private static void replaceLayers(ComputationGraph graph, Predicate<Layer> which, UnaryOperator<Layer> replacement) {
        Layer[] layers = graph.getLayers();
        for (GraphVertex vertex : graph.getVertices()) {
            if (vertex instanceof LayerVertex layerVertex && which.test(vertex.getLayer())) {
                Layer ours = replacement.apply(vertex.getLayer());
                for (int i = 0; i < layers.length; i++) {
                    if (layers[i] == vertex.getLayer()) {
                        layers[i] = ours;
                    }
                }
                layerVertex.setLayer(ours);
            }
        }
    }

    /**
     * The convolution, batch-norm, pooling and ReLU layers and addition and concatenation vertices of an
     * initialised graph that do not run on the oneDNN implementation they should (ours for convolution, batch
     * norm, ReLU, pooling that {@link OneDnnPooling} handles, addition and concatenation along channels unless a
     * property chose DL4J's, DL4J's helper for other pooling), as {@code name (Class)}. Empty means every such
     * layer does.
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
            } else if (layer.getClass() == SubsamplingLayer.class || layer instanceof OneDnnPooling) {
                expected = true;
                onOneDnn = ours(POOLING_PROPERTY) && isOurPooling(layer) ? layer instanceof OneDnnPooling : dl4js;
            } else {
                expected = false;
                onOneDnn = false;
            }
            if (expected && !onOneDnn) {
                missing.add(layer.getConfig().getLayerName() + " (" + layer.getClass().getSimpleName() + ")");
            }
        }
        for (GraphVertex vertex : graph.getVertices()) {
            if (ours(ADD_PROPERTY) && vertex.getClass() == ElementWiseVertex.class && isAdd(graph, vertex.getVertexName())) {
                missing.add(vertex.getVertexName() + " (ElementWiseVertex)");
            }
            if (ours(CONCAT_PROPERTY) && isChannelConcat(graph, vertex)) {
                missing.add(vertex.getVertexName() + " (MergeVertex)");
            }
        }
        return missing;
    }

    private static boolean isOurPooling(Layer layer) {
        return OneDnnPooling.handles((org.deeplearning4j.nn.conf.layers.SubsamplingLayer) layer.conf().getLayer());
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

    private static Field accessible(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DL4J's " + owner.getSimpleName() + " has no '" + name + "' field: " + e);
        }
    }
}
