package dev.diversify.onnx;

import dev.diversify.backend.OneDnn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * An ONNX CNN (opsets {@value #MIN_OPSET} to {@value #MAX_OPSET}, float32, NCHW) as a DL4J
 * {@link ComputationGraph} that computes the same function in inference, so that the rest of the product counts,
 * prunes and retrains it like its own models. Operators: Conv (group 1, any stride, dilation and symmetric
 * padding, or the asymmetric padding of "same"), BatchNormalization, Relu, MaxPool, AveragePool (unpadded),
 * GlobalAveragePool, Add, Concat (channels), Flatten or Reshape to [N, features] (with the
 * Shape/Gather/Unsqueeze/Concat chain PyTorch writes for {@code x.view(x.size(0), -1)}), Gemm, MatMul (+ Add),
 * Softmax at the end, Identity, Dropout, a Pad of zeros, Constant. The network must end in a dense layer
 * (Gemm or MatMul), optionally followed by Softmax: it becomes DL4J's softmax output layer with cross-entropy
 * loss, so a network that ends in logits outputs their softmax after import (the same top-1). Anything else is
 * refused naming the node, its operator and what is supported, never imported as a different network.
 *
 * <p>Vertices are named after the PyTorch module ({@code layer1.0.conv1} from {@code layer1.0.conv1.weight}),
 * else the node's name; a ReLU that alone reads a convolution or dense layer becomes that layer's activation.
 * Batch norms keep ONNX's variances ({@code useLogStd = false}) and take its momentum as their decay.
 */
public final class OnnxImport {
    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 17;
    /** The DL4J input vertex. */
    public static final String INPUT = "input";
    private static final String SUPPORTED = "Conv, BatchNormalization, Relu, MaxPool, AveragePool, "
            + "GlobalAveragePool, Add, Concat, Flatten, Reshape, Gemm, MatMul, Softmax, Identity, Dropout, Pad, "
            + "Constant, Shape, Gather, Unsqueeze";
    /** TensorProto's external_data, newer than the ONNX protobuf bundled with ND4J. */
    private static final int EXTERNAL_DATA_FIELD = 13;
    /** A dimension that is the batch size, in shape arithmetic. */
    private static final long BATCH = Long.MIN_VALUE;

    /**
     * The imported network.
     *
     * @param network     initialised, with the file's weights
     * @param input       its input type, {@code [N, C, H, W]}
     * @param opset       the file's ONNX opset
     * @param softmaxAdded true when the file ends in logits, so that the imported output is their softmax
     */
    public record Imported(ComputationGraph network, InputType.InputTypeConvolutional input, int opset,
                           boolean softmaxAdded) {
    }

    /** An activation: the vertex computing it and its ONNX shape per example, [C, H, W] or [F]. */
    private record Value(String vertex, long[] shape, boolean flattened, boolean pooled) {
        boolean spatial() {
            return shape.length == 3 && !flattened && !pooled;
        }

        long features() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    /** A constant tensor: dims and values (floats and integers alike, as doubles: exact for both). */
    private record Constant(long[] dims, double[] values) {
        INDArray floats(long... shape) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return Nd4j.create(f, shape.length == 0 ? dims : shape, 'c');
        }
    }

    private final String source;
    private final Onnx.GraphProto graph;
    private final ComputationGraphConfiguration.GraphBuilder builder;
    private final Map<String, Constant> constants = new HashMap<>();
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, List<Onnx.NodeProto>> consumers = new HashMap<>();
    private final Set<Onnx.NodeProto> fused = new HashSet<>();
    private final Set<String> names = new HashSet<>(Set.of(INPUT));
    private final Map<String, Map<String, INDArray>> params = new LinkedHashMap<>();
    private String outputVertex;
    private boolean softmaxAdded;

    private OnnxImport(String source, Onnx.GraphProto graph, IUpdater updater, double weightDecay) {
        this.source = source;
        this.graph = graph;
        this.builder = new NeuralNetConfiguration.Builder().seed(0).dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU).updater(updater).l2(weightDecay)
                .cacheMode(CacheMode.DEVICE).trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED).graphBuilder().addInputs(INPUT);
    }

    /**
     * Reads an ONNX file's bytes as a network trained with {@code updater} and L2 weight decay {@code weightDecay}
     * when retrained.
     *
     * @param source the file's name, for messages
     * @param input  the input shape to use, or null for the one the file declares
     * @throws IllegalArgumentException naming the file for bytes that are not an ONNX model, naming the node for
     *     an operator, attribute or layout this import does not support, or naming the input when its shape is
     *     unknown (give {@code input}) or is not [N, C, H, W] float
     */
    public static Imported read(byte[] bytes, String source, InputType.InputTypeConvolutional input, IUpdater updater,
                                double weightDecay) {
        Onnx.ModelProto model;
        try {
            model = Onnx.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(source + ": not an ONNX model, or a truncated one (" + e.getMessage()
                    + ")", e);
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0 || model.getIrVersion() == 0) {
            throw new IllegalArgumentException(source + ": not an ONNX model (no IR version or no graph nodes)");
        }
        int opset = model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToInt(o -> (int) o.getVersion()).findFirst().orElse(0);
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new IllegalArgumentException(source + ": ONNX opset " + opset + " is not supported (supported: "
                    + MIN_OPSET + " to " + MAX_OPSET + "; re-export with opset_version in that range)");
        }
        return new OnnxImport(source, model.getGraph(), updater, weightDecay).convert(input, opset);
    }

    private Imported convert(InputType.InputTypeConvolutional requested, int opset) {
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), tensor(t, "initializer '" + t.getName() + "'"));
        }
        InputType.InputTypeConvolutional input = input(requested);
        if (graph.getOutputCount() != 1) {
            throw new IllegalArgumentException(source + ": the graph has " + graph.getOutputCount()
                    + " outputs; a classifier has one");
        }
        String output = graph.getOutput(0).getName();
        List<Onnx.NodeProto> nodes = reaching(output);
        for (Onnx.NodeProto node : nodes) {
            for (String in : node.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
            }
            if (node.getOpType().equals("Constant")) { // no inputs: known before any node that reads them
                constants.put(out(node), constant(node));
            }
        }
        for (Onnx.NodeProto node : nodes) {
            if (!fused.contains(node)) {
                node(node);
            }
        }
        Value last = values.get(output);
        if (last == null) {
            throw new IllegalArgumentException(source + ": no node computes the graph output '" + output
                    + "' (a truncated file?)");
        }
        if (!last.vertex().equals(outputVertex)) {
            throw new IllegalArgumentException(source + ": the graph output '" + output + "' does not come from a "
                    + "dense layer (Gemm or MatMul, optionally followed by Softmax): only classifiers are imported");
        }
        ComputationGraphConfiguration conf = builder.setOutputs(outputVertex).setInputTypes(input).build();
        OneDnn.enableHelpers();
        ComputationGraph network = new ComputationGraph(conf);
        network.init();
        OneDnn.useOwnHelpers(network);
        params.forEach((vertex, table) -> table.forEach((key, value) -> {
            INDArray param = network.getLayer(vertex).getParam(key);
            param.assign(value.reshape(param.shape()));
        }));
        return new Imported(network, input, opset, softmaxAdded);
    }

    /** The nodes that {@code output} depends on, in file order: a branch nothing reads would be a loose vertex. */
    private List<Onnx.NodeProto> reaching(String output) {
        Set<String> needed = new HashSet<>(Set.of(output));
        List<Onnx.NodeProto> reversed = new ArrayList<>();
        for (int i = graph.getNodeCount() - 1; i >= 0; i--) {
            Onnx.NodeProto node = graph.getNode(i);
            if (node.getOutputList().stream().anyMatch(needed::contains)) {
                reversed.add(node);
                needed.addAll(node.getInputList());
            }
        }
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    /** The one graph input that is not an initializer: float [N, C, H, W], sized by the file or {@code requested}. */
    private InputType.InputTypeConvolutional input(InputType.InputTypeConvolutional requested) {
        List<Onnx.ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(i -> !constants.containsKey(i.getName())).toList();
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(source + ": the graph has " + inputs.size() + " inputs "
                    + inputs.stream().map(Onnx.ValueInfoProto::getName).toList() + "; one image input is supported");
        }
        Onnx.ValueInfoProto in = inputs.get(0);
        Onnx.TypeProto.Tensor type = in.getType().getTensorType();
        if (type.getElemTypeValue() != Onnx.TensorProto.DataType.FLOAT_VALUE || type.getShape().getDimCount() != 4) {
            throw new IllegalArgumentException(source + ": input '" + in.getName() + "' must be float32 [N, C, H, W], "
                    + "it is element type " + type.getElemType() + " with " + type.getShape().getDimCount() + " dims");
        }
        long[] chw = new long[3];
        for (int i = 0; i < 3; i++) {
            Onnx.TensorShapeProto.Dimension d = type.getShape().getDim(i + 1);
            chw[i] = (d.getValueCase() == Onnx.TensorShapeProto.Dimension.ValueCase.DIM_VALUE) ? d.getDimValue() : -1;
        }
        InputType.InputTypeConvolutional chosen;
        if (requested != null) {
            if (chw[0] > 0 && chw[0] != requested.getChannels()) {
                throw new IllegalArgumentException(source + ": input '" + in.getName() + "' has " + chw[0]
                        + " channels, not the " + requested.getChannels() + " requested");
            }
            chosen = requested;
        } else if (Arrays.stream(chw).allMatch(d -> d > 0)) {
            chosen = (InputType.InputTypeConvolutional) InputType.convolutional(chw[1], chw[2], chw[0]);
        } else {
            throw new IllegalArgumentException(source + ": input '" + in.getName() + "' has no fixed C, H and W ("
                    + type.getShape().getDimList().stream().map(d -> (d.getValueCase() == Onnx.TensorShapeProto.Dimension.ValueCase.DIM_VALUE) ? String.valueOf(d.getDimValue())
                    : d.getDimParam()).toList() + "): give the input shape (--input CxHxW)");
        }
        values.put(in.getName(), new Value(INPUT, new long[] {chosen.getChannels(), chosen.getHeight(),
                chosen.getWidth()}, false, false));
        return chosen;
    }

    private void node(Onnx.NodeProto node) {
        if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
            throw refuse(node, "is in domain '" + node.getDomain() + "'; only standard ONNX operators are imported");
        }
        switch (node.getOpType()) {
            case "Constant" -> { } // read before the other nodes
            case "Identity", "Dropout" -> alias(node);
            case "Shape" -> shapes.put(out(node), shapeOf(node));
            case "Gather" -> gather(node);
            case "Unsqueeze" -> unsqueeze(node);
            case "Pad" -> pad(node);
            case "Conv" -> conv(node);
            case "BatchNormalization" -> batchNorm(node);
            case "Relu" -> relu(node);
            case "MaxPool", "AveragePool" -> pool(node);
            case "GlobalAveragePool" -> globalPool(node);
            case "Add" -> add(node);
            case "Concat" -> concat(node);
            case "Flatten" -> flatten(node, intAttribute(node, "axis", 1));
            case "Reshape" -> reshape(node);
            case "Gemm", "MatMul" -> dense(node);
            case "Softmax" -> throw refuse(node, "is supported only as the last node, right after a dense layer "
                    + "(Gemm or MatMul)");
            default -> throw refuse(node, "is not supported (supported: " + SUPPORTED + ")");
        }
    }

    // ---- constants and shape arithmetic ----

    private Constant constant(Onnx.NodeProto node) {
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return tensor(a.getT(), "node '" + node.getName() + "'");
                case "value_float":
                    return new Constant(new long[0], new double[] {a.getF()});
                case "value_int":
                    return new Constant(new long[0], new double[] {a.getI()});
                case "value_ints":
                    return new Constant(new long[] {a.getIntsCount()},
                            a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray());
                case "value_floats":
                    return new Constant(new long[] {a.getFloatsCount()},
                            a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
                default:
                    break;
            }
        }
        throw refuse(node, "has no value, value_float(s) or value_int(s) attribute (sparse and string constants are "
                + "not supported)");
    }

    /** Identity or Dropout (inference: identity) of a constant, a shape or an activation. */
    private void alias(Onnx.NodeProto node) {
        if (node.getOpType().equals("Dropout") && node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                && ints(node, node.getInput(2))[0] != 0) {
            throw refuse(node, "is in training mode");
        }
        String in = node.getInput(0);
        if (constants.containsKey(in)) {
            constants.put(out(node), constants.get(in));
        } else if (shapes.containsKey(in)) {
            shapes.put(out(node), shapes.get(in));
        } else {
            values.put(out(node), value(node, 0));
        }
    }

    private long[] shapeOf(Onnx.NodeProto node) {
        Value v = value(node, 0);
        long[] dims = new long[v.pooled() ? 4 : v.flattened() ? 2 : v.shape().length + 1];
        dims[0] = BATCH;
        if (v.pooled()) {
            dims[1] = v.shape()[0];
            dims[2] = 1;
            dims[3] = 1;
        } else if (v.flattened()) {
            dims[1] = v.features();
        } else {
            System.arraycopy(v.shape(), 0, dims, 1, v.shape().length);
        }
        long start = intAttribute(node, "start", 0);
        long end = intAttribute(node, "end", dims.length);
        start = Math.max(0, Math.min(dims.length, start < 0 ? start + dims.length : start));
        end = Math.max(0, Math.min(dims.length, end < 0 ? end + dims.length : end));
        return Arrays.copyOfRange(dims, (int) start, (int) Math.max(start, end));
    }

    private void gather(Onnx.NodeProto node) {
        long[] data = ints(node, node.getInput(0));
        long[] indices = ints(node, node.getInput(1));
        if (intAttribute(node, "axis", 0) != 0) {
            throw refuse(node, "gathers along an axis other than 0 (only shape arithmetic is imported)");
        }
        long[] out = new long[indices.length];
        for (int i = 0; i < out.length; i++) {
            long index = indices[i] < 0 ? indices[i] + data.length : indices[i];
            if (index < 0 || index >= data.length) {
                throw refuse(node, "gathers index " + indices[i] + " of " + data.length + " values");
            }
            out[i] = data[(int) index];
        }
        shapes.put(out(node), out);
    }

    /** Unsqueeze of a scalar or one value along axis 0: the same values, as a 1-D list. */
    private void unsqueeze(Onnx.NodeProto node) {
        long[] data = ints(node, node.getInput(0));
        long[] axes = node.getInputCount() > 1 ? ints(node, node.getInput(1)) : longs(attribute(node, "axes"));
        if (data.length != 1 || axes.length != 1 || (axes[0] != 0 && axes[0] != -1)) {
            throw refuse(node, "is supported only on one shape value, along axis 0 (only shape arithmetic is imported)");
        }
        shapes.put(out(node), data);
    }

    /** The integer values of a shape, a constant or an earlier piece of shape arithmetic. */
    private long[] ints(Onnx.NodeProto node, String name) {
        if (shapes.containsKey(name)) {
            return shapes.get(name);
        }
        Constant c = constants.get(name);
        if (c == null) {
            throw refuse(node, "needs '" + name + "' to be a constant or computed from shapes; it is computed from "
                    + "the image");
        }
        return Arrays.stream(c.values()).mapToLong(d -> (long) d).toArray();
    }

    /** A Pad of zeros, as PyTorch writes before an average pooling: nothing to do. */
    private void pad(Onnx.NodeProto node) {
        long[] pads = node.getInputCount() > 1 ? ints(node, node.getInput(1)) : longs(attribute(node, "pads"));
        if (Arrays.stream(pads).anyMatch(p -> p != 0)) {
            throw refuse(node, "pads by " + Arrays.toString(pads) + "; only a Pad of zero pixels is imported (give "
                    + "the padding to the convolution or pooling instead)");
        }
        values.put(out(node), value(node, 0));
    }

    // ---- layers ----

    private void conv(Onnx.NodeProto node) {
        Value in = spatial(node, value(node, 0));
        Constant w = weight(node, 1);
        if (intAttribute(node, "group", 1) != 1) {
            throw refuse(node, "is a grouped convolution (group = " + intAttribute(node, "group", 1)
                    + "); only group = 1 is supported");
        }
        if (w.dims().length != 4) {
            throw refuse(node, "has " + w.dims().length + "-D weights; only 2-D convolutions ([out, in, kH, kW]) "
                    + "are supported");
        }
        if (w.dims()[1] != in.shape()[0]) {
            throw refuse(node, "has filters over " + w.dims()[1] + " channels but receives " + in.shape()[0]
                    + ": is the input shape right?");
        }
        int[] k = {(int) w.dims()[2], (int) w.dims()[3]};
        int[] s = pair(node, "strides");
        int[] d = pair(node, "dilations");
        Window window = window(node, in, k, s, d, true);
        String name = name(node, node.getInput(1));
        boolean bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
        Map<String, INDArray> table = new LinkedHashMap<>();
        table.put("W", w.floats());
        if (bias) {
            table.put("b", weight(node, 2).floats(1, w.dims()[0]));
        }
        Onnx.NodeProto relu = soleConsumer(node, "Relu");
        if (relu != null) {
            fused.add(relu);
        }
        builder.addLayer(name, new ConvolutionLayer.Builder(k[0], k[1]).stride(s[0], s[1]).dilation(d[0], d[1])
                .padding(window.padding()).convolutionMode(window.mode()).nIn(in.shape()[0]).nOut(w.dims()[0])
                .hasBias(bias).dataFormat(CNN2DFormat.NCHW)
                .activation(relu != null ? Activation.RELU : Activation.IDENTITY).build(), in.vertex());
        params.put(name, table);
        long[] shape = {w.dims()[0], window.height(), window.width()};
        values.put(out(relu != null ? relu : node), new Value(name, shape, false, false));
    }

    private void batchNorm(Onnx.NodeProto node) {
        Value in = value(node, 0);
        if (in.flattened()) {
            throw refuse(node, "normalises flattened features of a convolution's output; only batch norms of "
                    + "feature maps or of dense outputs are supported");
        }
        if (intAttribute(node, "training_mode", 0) != 0 || outputs(node) > 1) {
            throw refuse(node, "is in training mode (it outputs running statistics): export the model in "
                    + "inference mode");
        }
        long channels = in.shape()[0];
        String[] keys = {BatchNormalizationParamInitializer.GAMMA, BatchNormalizationParamInitializer.BETA,
                BatchNormalizationParamInitializer.GLOBAL_MEAN, BatchNormalizationParamInitializer.GLOBAL_VAR};
        Map<String, INDArray> table = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            Constant c = weight(node, i + 1);
            if (c.values().length != channels) {
                throw refuse(node, "has " + c.values().length + " values in input " + (i + 1) + " for " + channels
                        + " channels");
            }
            table.put(keys[i], c.floats(1, channels));
        }
        String name = name(node, node.getInput(1));
        builder.addLayer(name, new BatchNormalization.Builder().nIn(channels).nOut(channels)
                .eps(floatAttribute(node, "epsilon", 1e-5f)).decay(floatAttribute(node, "momentum", 0.9f))
                .useLogStd(false).build(), in.vertex());
        params.put(name, table);
        values.put(out(node), new Value(name, in.shape(), false, in.pooled()));
    }

    private void relu(Onnx.NodeProto node) {
        Value in = value(node, 0);
        String name = name(node, null);
        builder.addLayer(name, new ActivationLayer.Builder().activation(Activation.RELU).build(), in.vertex());
        values.put(out(node), new Value(name, in.shape(), in.flattened(), in.pooled()));
    }

    private void pool(Onnx.NodeProto node) {
        Value in = spatial(node, value(node, 0));
        boolean max = node.getOpType().equals("MaxPool");
        if (outputs(node) > 1) {
            throw refuse(node, "also outputs indices, which is not supported");
        }
        int[] k = pair(node, "kernel_shape");
        int[] s = pair(node, "strides");
        int[] d = pair(node, "dilations");
        if (d[0] != 1 || d[1] != 1) {
            throw refuse(node, "is dilated; only undilated pooling is supported");
        }
        Window window = window(node, in, k, s, d, false);
        if (!max && (window.padding()[0] != 0 || window.padding()[1] != 0)) {
            throw refuse(node, "is a padded average pooling (DL4J's and ONNX's divisors at the border differ); "
                    + "only unpadded average pooling is supported");
        }
        String name = name(node, null);
        builder.addLayer(name, new SubsamplingLayer.Builder(max ? PoolingType.MAX : PoolingType.AVG)
                .kernelSize(k[0], k[1]).stride(s[0], s[1]).padding(window.padding())
                .convolutionMode(ConvolutionMode.Truncate).dataFormat(CNN2DFormat.NCHW).build(), in.vertex());
        values.put(out(node), new Value(name, new long[] {in.shape()[0], window.height(), window.width()}, false,
                false));
    }

    private void globalPool(Onnx.NodeProto node) {
        Value in = spatial(node, value(node, 0));
        String name = name(node, null);
        builder.addLayer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), in.vertex());
        values.put(out(node), new Value(name, new long[] {in.shape()[0], 1, 1}, false, true));
    }

    private void add(Onnx.NodeProto node) {
        if (node.getInputList().stream().anyMatch(constants::containsKey)) {
            throw refuse(node, "adds a constant; only the bias of a MatMul (MatMul then Add) or the sum of two "
                    + "activations is supported");
        }
        Value a = value(node, 0);
        Value b = value(node, 1);
        if (node.getInputCount() != 2 || !Arrays.equals(a.shape(), b.shape()) || a.flattened() != b.flattened()
                || a.pooled() != b.pooled()) {
            throw refuse(node, "adds " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape())
                    + "; only two activations of the same shape are added (no broadcasting)");
        }
        String name = name(node, null);
        builder.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), a.vertex(), b.vertex());
        values.put(out(node), new Value(name, a.shape(), a.flattened(), a.pooled()));
    }

    private void concat(Onnx.NodeProto node) {
        if (node.getInputList().stream().allMatch(i -> shapes.containsKey(i) || constants.containsKey(i))) {
            List<Long> all = new ArrayList<>();
            for (String in : node.getInputList()) {
                Arrays.stream(ints(node, in)).forEach(all::add);
            }
            shapes.put(out(node), all.stream().mapToLong(Long::longValue).toArray());
            return;
        }
        List<Value> parts = new ArrayList<>();
        for (int i = 0; i < node.getInputCount(); i++) {
            parts.add(spatial(node, value(node, i)));
        }
        long axis = intAttribute(node, "axis", 1);
        if (axis != 1 && axis != -3) {
            throw refuse(node, "concatenates along axis " + axis + "; only channels (axis 1) are supported");
        }
        long channels = 0;
        for (Value v : parts) {
            if (v.shape()[1] != parts.get(0).shape()[1] || v.shape()[2] != parts.get(0).shape()[2]) {
                throw refuse(node, "concatenates maps of different sizes");
            }
            channels += v.shape()[0];
        }
        String name = name(node, null);
        builder.addVertex(name, new MergeVertex(), parts.stream().map(Value::vertex).toArray(String[]::new));
        long[] first = parts.get(0).shape();
        values.put(out(node), new Value(name, new long[] {channels, first[1], first[2]}, false, false));
    }

    /** Flatten to [N, features] (axis 1): DL4J flattens when the dense layer reads the map, in the same order. */
    private void flatten(Onnx.NodeProto node, long axis) {
        Value in = value(node, 0);
        int rank = in.spatial() || in.pooled() ? 4 : 2;
        if ((axis < 0 ? axis + rank : axis) != 1) {
            throw refuse(node, "flattens from axis " + axis + "; only [N, features] (axis 1) is supported");
        }
        if (in.flattened()) {
            values.put(out(node), in); // flat already, and DL4J still holds the map the dense layer will flatten
        } else { // DL4J holds globally pooled maps as [N, C] already
            values.put(out(node), in.spatial() ? new Value(in.vertex(), in.shape(), true, false)
                    : new Value(in.vertex(), new long[] {in.features()}, false, false));
        }
    }

    /** A reshape to [N, features]: [0 or the batch or any fixed size, -1 or features]. */
    private void reshape(Onnx.NodeProto node) {
        Value in = value(node, 0);
        long[] to = ints(node, node.getInput(1));
        long features = in.features();
        if (intAttribute(node, "allowzero", 0) != 0 && Arrays.stream(to).anyMatch(v -> v == 0)) {
            throw refuse(node, "reshapes to a size of 0 (allowzero = 1)");
        }
        if (to.length == 2 && to[1] == 0) { // 0 copies the input's dimension 1
            to[1] = in.flattened() || in.shape().length == 1 ? features : in.shape()[0];
        }
        if (to.length != 2 || (to[1] != -1 && to[1] != features)) {
            throw refuse(node, "reshapes to " + Arrays.toString(Arrays.stream(to).mapToObj(v -> v == BATCH ? "N"
                    : String.valueOf(v)).toArray()) + "; only a reshape to [N, features] is supported");
        }
        flatten(node, 1);
    }

    /** Gemm, or MatMul with the Add of a bias after it: a dense layer, the output layer when it ends the graph. */
    private void dense(Onnx.NodeProto node) {
        Value in = value(node, 0);
        if (in.spatial()) {
            throw refuse(node, "multiplies a 4-D map; flatten it to [N, features] first");
        }
        Constant b = weight(node, 1);
        if (b.dims().length != 2) {
            throw refuse(node, "has " + b.dims().length + "-D weights; only a 2-D weight matrix is supported");
        }
        boolean gemm = node.getOpType().equals("Gemm");
        if (gemm && (intAttribute(node, "transA", 0) != 0 || floatAttribute(node, "alpha", 1) != 1
                || floatAttribute(node, "beta", 1) != 1)) {
            throw refuse(node, "has transA, alpha or beta other than 0, 1, 1; only a dense layer is supported");
        }
        boolean transposed = gemm && intAttribute(node, "transB", 0) != 0;
        long nIn = b.dims()[transposed ? 1 : 0];
        long nOut = b.dims()[transposed ? 0 : 1];
        if (nIn != in.features()) {
            throw refuse(node, "has weights for " + nIn + " inputs but receives " + in.features()
                    + ": is the input shape right?");
        }
        INDArray w = transposed ? b.floats().transpose().dup('c') : b.floats();
        Onnx.NodeProto last = node;
        Constant bias = gemm && node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? weight(node, 2) : null;
        Onnx.NodeProto addBias = bias == null ? soleConsumer(node, "Add") : null;
        if (addBias != null) { // MatMul then Add of a constant (also a Gemm without C)
            String other = addBias.getInput(0).equals(out(node)) ? addBias.getInput(1) : addBias.getInput(0);
            if (constants.containsKey(other)) {
                bias = constants.get(other);
                fused.add(addBias);
                last = addBias;
            }
        }
        String name = name(node, node.getInput(1));
        Map<String, INDArray> table = new LinkedHashMap<>();
        table.put("W", w);
        if (bias != null) {
            table.put("b", biasOf(last, bias, nOut));
        }
        Onnx.NodeProto softmax = soleConsumer(last, "Softmax");
        Onnx.NodeProto relu = softmax == null ? soleConsumer(last, "Relu") : null;
        Onnx.NodeProto end = softmax != null ? softmax : relu != null ? relu : last;
        fused.add(end);
        boolean isOutput = graph.getOutputList().stream().anyMatch(o -> o.getName().equals(passedThrough(out(end))));
        if (softmax != null && (!isOutput || Math.floorMod(intAttribute(softmax, "axis", -1), 2) != 1)) {
            throw refuse(softmax, "is supported only as the last node over a dense layer's outputs (axis 1)");
        }
        if (isOutput && relu != null) {
            throw refuse(relu, "ends the network; a classifier ends in a dense layer, optionally with Softmax");
        }
        if (isOutput && softmax == null && nOut == 1) {
            throw refuse(node, "ends the network with one output (a binary classifier's logit?): a softmax over one "
                    + "output is constant; only classifiers with one output per class are imported");
        }
        if (isOutput) {
            builder.addLayer(name, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn).nOut(nOut)
                    .hasBias(bias != null).activation(Activation.SOFTMAX).build(), in.vertex());
            outputVertex = name;
            softmaxAdded = softmax == null;
        } else {
            builder.addLayer(name, new DenseLayer.Builder().nIn(nIn).nOut(nOut).hasBias(bias != null)
                    .activation(relu != null ? Activation.RELU : Activation.IDENTITY).build(), in.vertex());
        }
        params.put(name, table);
        values.put(out(end), new Value(name, new long[] {nOut}, false, false));
    }

    /** A dense layer's bias [1, nOut] from a constant of shape [nOut], [1, nOut], or one value for every output. */
    private INDArray biasOf(Onnx.NodeProto node, Constant bias, long nOut) {
        long[] dims = bias.dims();
        long count = bias.values().length;
        boolean perOutput = count == nOut && (dims.length == 1 || (dims.length == 2 && dims[0] == 1));
        boolean scalar = count == 1 && dims.length <= 1;
        if (!perOutput && !scalar) {
            throw refuse(node, "adds a bias of shape " + Arrays.toString(dims) + " to " + nOut + " outputs; "
                    + "supported: [" + nOut + "], [1, " + nOut + "] or one value");
        }
        return scalar ? Nd4j.valueArrayOf(new long[] {1, nOut}, (float) bias.values()[0]) : bias.floats(1, nOut);
    }

    /** The tensor that {@code name} becomes through Identity and Dropout nodes that alone read it. */
    private String passedThrough(String name) {
        List<Onnx.NodeProto> next = consumers.getOrDefault(name, List.of());
        if (next.size() == 1 && (next.get(0).getOpType().equals("Identity")
                || next.get(0).getOpType().equals("Dropout"))) {
            return passedThrough(out(next.get(0)));
        }
        return name;
    }

    /**
     * The node of type {@code op} that alone reads {@code node}'s output; null when there is none or the output is
     * also a graph output. The caller marks it fused when it takes it in.
     */
    private Onnx.NodeProto soleConsumer(Onnx.NodeProto node, String op) {
        List<Onnx.NodeProto> next = consumers.getOrDefault(out(node), List.of());
        boolean graphOutput = graph.getOutputList().stream().anyMatch(o -> o.getName().equals(out(node)));
        return next.size() != 1 || !next.get(0).getOpType().equals(op) || graphOutput ? null : next.get(0);
    }

    /** Padding and output size of a convolution or pooling window over {@code in}. */
    private record Window(int[] padding, ConvolutionMode mode, long height, long width) {
    }

    private Window window(Onnx.NodeProto node, Value in, int[] k, int[] s, int[] d, boolean sameAllowed) {
        long[] size = {in.shape()[1], in.shape()[2]};
        long[] pads = new long[4];
        String autoPad = stringAttribute(node, "auto_pad", "NOTSET");
        for (int axis = 0; axis < 2; axis++) {
            long effective = (long) (k[axis] - 1) * d[axis] + 1;
            switch (autoPad) {
                case "NOTSET" -> {
                    long[] given = longs(attribute(node, "pads"));
                    if (given.length != 0 && given.length != 4) {
                        throw refuse(node, "has " + given.length + " pads; 4 are expected for 2-D");
                    }
                    pads[axis] = given.length == 0 ? 0 : given[axis];
                    pads[axis + 2] = given.length == 0 ? 0 : given[axis + 2];
                }
                case "VALID" -> {
                    pads[axis] = 0;
                    pads[axis + 2] = 0;
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long out = (size[axis] + s[axis] - 1) / s[axis];
                    long total = Math.max(0, (out - 1) * s[axis] + effective - size[axis]);
                    boolean upper = autoPad.equals("SAME_UPPER");
                    pads[axis] = upper ? total / 2 : total - total / 2;
                    pads[axis + 2] = total - pads[axis];
                }
                default -> throw refuse(node, "has auto_pad " + autoPad);
            }
        }
        long[] out = new long[2];
        for (int axis = 0; axis < 2; axis++) {
            long effective = (long) (k[axis] - 1) * d[axis] + 1;
            long span = size[axis] + pads[axis] + pads[axis + 2] - effective;
            if (span < 0) {
                throw refuse(node, "has a window larger than its padded " + size[0] + "x" + size[1] + " input");
            }
            out[axis] = span / s[axis] + 1;
            if (intAttribute(node, "ceil_mode", 0) != 0 && span % s[axis] != 0) {
                throw refuse(node, "rounds its output size up (ceil_mode = 1), which changes it here; only "
                        + "ceil_mode = 0 is supported");
            }
        }
        if (pads[0] == pads[2] && pads[1] == pads[3]) {
            return new Window(new int[] {(int) pads[0], (int) pads[1]}, ConvolutionMode.Truncate, out[0], out[1]);
        }
        boolean dl4jSame = true;
        for (int axis = 0; axis < 2; axis++) { // DL4J's Same: out = ceil(in / s), the odd pixel at the bottom or right
            long effective = (long) (k[axis] - 1) * d[axis] + 1;
            long sameOut = (size[axis] + s[axis] - 1) / s[axis];
            long total = Math.max(0, (sameOut - 1) * s[axis] + effective - size[axis]);
            dl4jSame &= pads[axis] == total / 2 && pads[axis + 2] == total - total / 2;
        }
        if (!dl4jSame || !sameAllowed) {
            throw refuse(node, "pads asymmetrically " + Arrays.toString(pads) + " [top, left, bottom, right]; "
                    + "supported: symmetric padding" + (sameAllowed ? ", or the extra pixel at the bottom and right "
                    + "as 'same' padding places it" : ""));
        }
        return new Window(new int[] {0, 0}, ConvolutionMode.Same, out[0], out[1]);
    }

    // ---- lookups ----

    private Value value(Onnx.NodeProto node, int input) {
        String name = node.getInput(input);
        Value v = values.get(name);
        if (v == null) {
            throw refuse(node, "reads '" + name + "', which " + (constants.containsKey(name)
                    ? "is a constant where an activation is expected" : "no earlier node computes"));
        }
        return v;
    }

    private Value spatial(Onnx.NodeProto node, Value v) {
        if (!v.spatial()) {
            throw refuse(node, "needs a [N, C, H, W] map but reads " + (v.pooled() ? "globally pooled" : "flattened")
                    + " features");
        }
        return v;
    }

    private Constant weight(Onnx.NodeProto node, int input) {
        String name = input < node.getInputCount() ? node.getInput(input) : "";
        Constant c = constants.get(name);
        if (c == null) {
            throw refuse(node, "needs input " + input + (name.isEmpty() ? "" : " ('" + name + "')")
                    + " to be an initializer or a Constant");
        }
        return c;
    }

    /**
     * A vertex name: the PyTorch module of the weights ({@code fc1} from {@code fc1.weight}, {@code stem_conv} from
     * this project's {@code stem_conv.W}), else the node's name ({@code /block/Relu_1} is {@code block.Relu_1}; this
     * project's {@code stem_relu/Relu} is {@code stem_relu}), made unique.
     */
    private String name(Onnx.NodeProto node, String weight) {
        String base;
        if (weight != null && (weight.endsWith(".weight") || weight.endsWith(".W"))) {
            base = weight.substring(0, weight.lastIndexOf('.'));
        } else {
            String n = node.getName();
            if (!n.startsWith("/") && n.endsWith("/" + node.getOpType())) { // not PyTorch's /scope/Op: vertex/Op
                n = n.substring(0, n.length() - node.getOpType().length() - 1);
            }
            base = n.replaceFirst("^/+", "").replace('/', '.').replaceAll("[^A-Za-z0-9_.\\-]", "_");
        }
        if (base.isEmpty()) {
            base = node.getOpType().toLowerCase(Locale.ROOT);
        }
        String name = base;
        for (int i = 2; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** The outputs a node writes: optional ones may be listed with empty names. */
    private static long outputs(Onnx.NodeProto node) {
        return node.getOutputList().stream().filter(o -> !o.isEmpty()).count();
    }

    private static String out(Onnx.NodeProto node) {
        return node.getOutput(0);
    }

    private Onnx.AttributeProto attribute(Onnx.NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElse(null);
    }

    private long intAttribute(Onnx.NodeProto node, String name, long otherwise) {
        Onnx.AttributeProto a = attribute(node, name);
        return a == null ? otherwise : a.getI();
    }

    private float floatAttribute(Onnx.NodeProto node, String name, float otherwise) {
        Onnx.AttributeProto a = attribute(node, name);
        return a == null ? otherwise : a.getF();
    }

    private String stringAttribute(Onnx.NodeProto node, String name, String otherwise) {
        Onnx.AttributeProto a = attribute(node, name);
        return a == null ? otherwise : a.getS().toStringUtf8();
    }

    private static long[] longs(Onnx.AttributeProto a) {
        return a == null ? new long[0] : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** A 2-D attribute such as strides, 1 x 1 when absent. */
    private int[] pair(Onnx.NodeProto node, String name) {
        long[] v = longs(attribute(node, name));
        if (v.length == 0) {
            if (name.equals("kernel_shape")) {
                throw refuse(node, "has no kernel_shape");
            }
            return new int[] {1, 1};
        }
        if (v.length != 2) {
            throw refuse(node, "has " + v.length + " " + name + "; only 2-D windows are supported");
        }
        return new int[] {(int) v[0], (int) v[1]};
    }

    /** A tensor's values: float, double, int32 or int64, stored raw (little-endian) or as typed lists. */
    private Constant tensor(Onnx.TensorProto t, String what) {
        if (t.getUnknownFields().hasField(EXTERNAL_DATA_FIELD)) {
            throw new IllegalArgumentException(source + ": " + what + " is stored in an external file; save the "
                    + "model with all tensors inside (onnx.save(model, path, save_as_external_data=False))");
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        boolean isRaw = !t.getRawData().isEmpty();
        double[] values = new double[(int) count];
        int width;
        switch (t.getDataTypeValue()) {
            case Onnx.TensorProto.DataType.FLOAT_VALUE -> width = 4;
            case Onnx.TensorProto.DataType.DOUBLE_VALUE, Onnx.TensorProto.DataType.INT64_VALUE -> width = 8;
            case Onnx.TensorProto.DataType.INT32_VALUE -> width = 4;
            case Onnx.TensorProto.DataType.BOOL_VALUE -> width = 1;
            default -> throw new IllegalArgumentException(source + ": " + what + " has element type "
                    + t.getDataType() + "; float32, float64, int32, int64 and bool are supported");
        }
        long stored = isRaw ? raw.remaining() / width : switch (t.getDataTypeValue()) {
            case Onnx.TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
            case Onnx.TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
            case Onnx.TensorProto.DataType.INT64_VALUE -> t.getInt64DataCount();
            default -> t.getInt32DataCount(); // int32 and bool
        };
        if (stored != count || (isRaw && raw.remaining() % width != 0)) {
            throw new IllegalArgumentException(source + ": " + what + " holds " + stored + " values for its shape "
                    + Arrays.toString(dims) + " (a truncated file?)");
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (t.getDataTypeValue()) {
                case Onnx.TensorProto.DataType.FLOAT_VALUE -> isRaw ? raw.getFloat(i * 4) : t.getFloatData(i);
                case Onnx.TensorProto.DataType.DOUBLE_VALUE -> isRaw ? raw.getDouble(i * 8) : t.getDoubleData(i);
                case Onnx.TensorProto.DataType.INT64_VALUE -> isRaw ? raw.getLong(i * 8) : t.getInt64Data(i);
                case Onnx.TensorProto.DataType.BOOL_VALUE -> isRaw ? raw.get(i) : t.getInt32Data(i);
                default -> isRaw ? raw.getInt(i * 4) : t.getInt32Data(i);
            };
        }
        return new Constant(dims, values);
    }

    private IllegalArgumentException refuse(Onnx.NodeProto node, String why) {
        return new IllegalArgumentException(source + ": node '" + node.getName() + "' (" + node.getOpType() + ") "
                + why);
    }
}
