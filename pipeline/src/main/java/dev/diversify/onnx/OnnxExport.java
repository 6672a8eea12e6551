package dev.diversify.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.protobuf.ByteString;

/**
 * A network as an ONNX model (opset 13, float32, NCHW) that computes what DL4J computes in inference: the
 * input is {@code input} of shape [N, C, H, W] (N free), the output is the output layer's, named after it.
 * Supported: convolutions (groups 1, any stride, dilation, padding mode Same, Truncate or Strict, with or without
 * bias), batch norm, ReLU / identity / softmax activations, max and unpadded average pooling, global average pooling,
 * additions, channel concatenations, the flatten before a dense layer, dense and output layers. Anything
 * else is refused by vertex name and type, never exported as a different network.
 */
public final class OnnxExport {
    /** The opset the nodes are written for: Softmax's axis semantics and BatchNormalization as of 13. */
    public static final int OPSET = 13;
    /** ONNX IR version 7, which the ONNX protobuf bundled with ND4J writes and every current runtime reads. */
    static final int IR_VERSION = 7;
    public static final String INPUT = "input";

    private final ComputationGraph network;
    private final Map<String, InputType> types;
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    /** The vertex being written: its nodes are named {@code vertex/Op}, so that an import names it back. */
    private String currentVertex;

    private OnnxExport(ComputationGraph network, InputType input) {
        this.network = network;
        // on a copy: DL4J's type inference sets preprocessors and nIn on the configuration it runs on
        this.types = network.getConfiguration().clone().getLayerActivationTypes(input);
    }

    /**
     * The ONNX model of {@code network}, fed images of type {@code input}.
     *
     * @throws IllegalArgumentException naming the vertex and its type for anything this export does not write
     *     (a layer type, activation, preprocessor, padding mode or channels-last format), or for a network with
     *     other than one input and one output
     */
    public static Onnx.ModelProto export(ComputationGraph network, InputType input) {
        return new OnnxExport(network, input).model();
    }

    private Onnx.ModelProto model() {
        ComputationGraphConfiguration conf = network.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("ONNX export handles one input and one output, the network has "
                    + conf.getNetworkInputs() + " and " + conf.getNetworkOutputs());
        }
        String networkInput = conf.getNetworkInputs().get(0);
        if (!(types.get(networkInput) instanceof InputType.InputTypeConvolutional in)
                || in.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("ONNX export takes channels-first images as input, not "
                    + types.get(networkInput));
        }
        graph.setName("diversify").addInput(value(INPUT, -1, in.getChannels(), in.getHeight(), in.getWidth()));
        for (String name : conf.getTopologicalOrderStr()) {
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex != null) {
                List<String> inputs = conf.getVertexInputs().get(name).stream()
                        .map(i -> i.equals(networkInput) ? INPUT : i).toList();
                vertex(name, vertex, inputs);
            }
        }
        String output = conf.getNetworkOutputs().get(0);
        long classes = ((InputType.InputTypeFeedForward) types.get(output)).getSize();
        graph.addOutput(value(output, -1, classes));
        return Onnx.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("diversify")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph).build();
    }

    /** One vertex as ONNX nodes whose last output is named {@code name}. */
    private void vertex(String name, GraphVertex vertex, List<String> inputs) {
        currentVertex = name;
        if (vertex instanceof ElementWiseVertex add && add.getOp() == ElementWiseVertex.Op.Add && inputs.size() == 2) {
            node("Add", inputs, name);
            return;
        }
        if (vertex instanceof MergeVertex merge && merge.getMergeAxis() == 1) {
            node("Concat", inputs, name, ints("axis", 1));
            return;
        }
        if (!(vertex instanceof LayerVertex layerVertex)) {
            throw unsupported(name, vertex);
        }
        String input = inputs.get(0);
        InputPreProcessor pre = layerVertex.getPreProcessor();
        if (pre != null) {
            if (!(pre instanceof CnnToFeedForwardPreProcessor flatten) || flatten.getFormat() != CNN2DFormat.NCHW) {
                throw new IllegalArgumentException("vertex '" + name + "': its input preprocessor "
                        + pre.getClass().getSimpleName() + " is not exported (supported: a channels-first flatten)");
            }
            node("Flatten", List.of(input), name + "_flatten", ints("axis", 1));
            input = name + "_flatten";
        }
        Layer layer = layerVertex.getLayerConf().getLayer();
        Map<String, INDArray> params = network.getLayer(name).paramTable();
        InputType before = types.get(conf().getVertexInputs().get(name).get(0));
        if (layer.getClass() == ConvolutionLayer.class) {
            convolution(name, (ConvolutionLayer) layer, params, input, (InputType.InputTypeConvolutional) before);
        } else if (layer.getClass() == BatchNormalization.class) {
            batchNorm(name, (BatchNormalization) layer, params, input);
        } else if (layer.getClass() == ActivationLayer.class) {
            activation(name, ((ActivationLayer) layer).getActivationFn(), input, name);
        } else if (layer.getClass() == SubsamplingLayer.class) {
            pooling(name, (SubsamplingLayer) layer, input, (InputType.InputTypeConvolutional) before);
        } else if (layer.getClass() == GlobalPoolingLayer.class && isGlobalAveragePool((GlobalPoolingLayer) layer)) {
            node("GlobalAveragePool", List.of(input), name + "_pool");
            node("Flatten", List.of(name + "_pool"), name, ints("axis", 1));
        } else if (layer.getClass() == DenseLayer.class || layer.getClass() == OutputLayer.class) {
            if (layer instanceof DenseLayer dense && dense.hasLayerNorm()) {
                throw new IllegalArgumentException("vertex '" + name + "': a dense layer with layer norm is not exported");
            }
            long size = types.get(conf().getVertexInputs().get(name).get(0)) instanceof InputType.InputTypeConvolutional c
                    ? c.getChannels() * c.getHeight() * c.getWidth() : before.arrayElementsPerExample();
            if (params.get("W").size(0) != size) {
                throw new IllegalArgumentException("vertex '" + name + "': its weights take " + params.get("W").size(0)
                        + " inputs but it receives " + size + ": is the input shape right?");
            }
            String w = initializer(name + ".W", params.get("W"));
            List<String> gemm = new ArrayList<>(List.of(input, w));
            if (params.containsKey("b")) {
                gemm.add(initializer(name + ".b", params.get("b").reshape(-1)));
            }
            node("Gemm", gemm, name + "_gemm");
            activation(name, ((BaseLayer) layer).getActivationFn(), name + "_gemm", name);
        } else {
            throw unsupported(name, vertex);
        }
    }

    private ComputationGraphConfiguration conf() {
        return network.getConfiguration();
    }

    private void convolution(String name, ConvolutionLayer conv, Map<String, INDArray> params, String input,
                             InputType.InputTypeConvolutional in) {
        if (conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("vertex '" + name + "' is channels-last (NHWC): only NCHW is exported");
        }
        if (params.get("W").size(1) != in.getChannels()) {
            throw new IllegalArgumentException("vertex '" + name + "': its filters take " + params.get("W").size(1)
                    + " channels but it receives " + in.getChannels() + ": is the input shape right?");
        }
        List<String> inputs = new ArrayList<>(List.of(input, initializer(name + ".W", params.get("W"))));
        if (conv.hasBias()) {
            inputs.add(initializer(name + ".b", params.get("b").reshape(-1)));
        }
        int[] k = conv.getKernelSize();
        int[] s = conv.getStride();
        int[] d = conv.getDilation();
        node("Conv", inputs, name + "_conv", ints("kernel_shape", k[0], k[1]), ints("strides", s[0], s[1]),
                ints("dilations", d[0], d[1]),
                ints("pads", pads(name, conv.getConvolutionMode(), conv.getPadding(), k, s, d, in)));
        activation(name, conv.getActivationFn(), name + "_conv", name);
    }

    private void batchNorm(String name, BatchNormalization bn, Map<String, INDArray> params, String input) {
        if (bn.isLockGammaBeta() || bn.getCnn2DFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("vertex '" + name + "': a batch norm with locked gamma and beta, or "
                    + "channels-last, is not exported");
        }
        INDArray variance = bn.isUseLogStd() // DL4J stores log10 of the standard deviation: var = (10^l)^2
                ? Transforms.exp(params.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).mul(2 * Math.log(10)), false)
                : params.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
        node("BatchNormalization", List.of(input,
                initializer(name + ".gamma", params.get(BatchNormalizationParamInitializer.GAMMA).reshape(-1)),
                initializer(name + ".beta", params.get(BatchNormalizationParamInitializer.BETA).reshape(-1)),
                initializer(name + ".mean", params.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(-1)),
                initializer(name + ".var", variance.reshape(-1))), name,
                Onnx.AttributeProto.newBuilder().setName("epsilon").setType(Onnx.AttributeProto.AttributeType.FLOAT)
                        .setF((float) bn.getEps()).build());
    }

    private void pooling(String name, SubsamplingLayer pool, String input, InputType.InputTypeConvolutional in) {
        if (pool.getCnn2dDataFormat() != CNN2DFormat.NCHW || pool.getDilation()[0] != 1 || pool.getDilation()[1] != 1) {
            throw new IllegalArgumentException("vertex '" + name + "': channels-last or dilated pooling is not exported");
        }
        int[] k = pool.getKernelSize();
        int[] s = pool.getStride();
        long[] pads = pads(name, pool.getConvolutionMode(), pool.getPadding(), k, s, pool.getDilation(), in);
        String op = switch (pool.getPoolingType()) {
            case MAX -> "MaxPool";
            case AVG -> "AveragePool";
            default -> throw new IllegalArgumentException("vertex '" + name + "': " + pool.getPoolingType()
                    + " pooling is not exported (supported: max, average)");
        };
        if (op.equals("AveragePool") && java.util.Arrays.stream(pads).anyMatch(p -> p != 0)) {
            throw new IllegalArgumentException("vertex '" + name + "': padded average pooling is not exported "
                    + "(DL4J's and ONNX's divisors at the border may differ)");
        }
        node(op, List.of(input), name, ints("kernel_shape", k[0], k[1]), ints("strides", s[0], s[1]),
                ints("pads", pads));
    }

    /** Average over height and width of channels-first maps, to [N, C]: DL4J's default global pooling. */
    private static boolean isGlobalAveragePool(GlobalPoolingLayer pool) {
        int[] dims = pool.getPoolingDimensions();
        return pool.getPoolingType() == PoolingType.AVG && pool.isCollapseDimensions()
                && (dims == null || java.util.Arrays.equals(dims, new int[] {2, 3}));
    }

    /** ONNX pads [top, left, bottom, right] of a DL4J convolution or pooling of {@code in}. */
    private static long[] pads(String name, ConvolutionMode mode, int[] padding, int[] k, int[] s, int[] d,
                               InputType.InputTypeConvolutional in) {
        long[] size = {in.getHeight(), in.getWidth()};
        long[] pads = new long[4];
        for (int axis = 0; axis < 2; axis++) {
            switch (mode) {
                case Same -> { // DL4J: out = ceil(in / s), the odd pixel of padding at the bottom or right
                    long out = (size[axis] + s[axis] - 1) / s[axis];
                    long effective = (long) (k[axis] - 1) * d[axis] + 1;
                    long total = Math.max(0, (out - 1) * s[axis] + effective - size[axis]);
                    pads[axis] = total / 2;
                    pads[axis + 2] = total - total / 2;
                }
                case Truncate, Strict -> {
                    pads[axis] = padding[axis];
                    pads[axis + 2] = padding[axis];
                }
                default -> throw new IllegalArgumentException("vertex '" + name + "': convolution mode " + mode
                        + " is not exported (supported: Same, Truncate, Strict)");
            }
        }
        return pads;
    }

    private void activation(String name, IActivation activation, String input, String output) {
        if (activation instanceof ActivationIdentity) {
            node("Identity", List.of(input), output);
        } else if (activation instanceof ActivationReLU relu && relu.equals(new ActivationReLU())) { // plain max(0, x)
            node("Relu", List.of(input), output);
        } else if (activation instanceof ActivationSoftmax && types.get(output) instanceof InputType.InputTypeFeedForward) {
            node("Softmax", List.of(input), output, ints("axis", 1));
        } else {
            throw new IllegalArgumentException("vertex '" + name + "': activation " + activation
                    + " is not exported here (supported: identity, relu, and softmax over a layer's outputs)");
        }
    }

    private void node(String op, List<String> inputs, String output, Onnx.AttributeProto... attributes) {
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setOpType(op).setName(currentVertex + "/" + op)
                .addAllInput(inputs).addOutput(output);
        for (Onnx.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
    }

    /** An integer-list attribute; {@code axis} is a single integer. */
    private static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        if (name.equals("axis")) {
            return a.setType(Onnx.AttributeProto.AttributeType.INT).setI(values[0]).build();
        }
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** Adds {@code values} as a float32 initializer named {@code name}; returns the name. */
    private String initializer(String name, INDArray values) {
        INDArray floats = values.castTo(DataType.FLOAT).dup('c');
        ByteBuffer bytes = ByteBuffer.allocate((int) floats.length() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : floats.reshape(floats.length()).toFloatVector()) {
            bytes.putFloat(f);
        }
        Onnx.TensorProto.Builder tensor = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT).setRawData(ByteString.copyFrom(bytes.array()));
        for (long dim : floats.shape()) {
            tensor.addDims(dim);
        }
        graph.addInitializer(tensor);
        return name;
    }

    private static Onnx.ValueInfoProto value(String name, long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (long dim : dims) {
            shape.addDim(dim < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT)
                        .setShape(shape))).build();
    }

    private static IllegalArgumentException unsupported(String name, GraphVertex vertex) {
        Object type = vertex instanceof LayerVertex l ? l.getLayerConf().getLayer().getClass().getSimpleName()
                : vertex.getClass().getSimpleName();
        return new IllegalArgumentException("vertex '" + name + "' (" + type + ") is not exported to ONNX "
                + "(supported: convolution, batch norm, activation, max/average pooling, global average pooling, "
                + "addition, concatenation, dense and output layers)");
    }
}
