package dev.diversify.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.metrics.CostCounter;
import dev.diversify.metrics.ModelCost;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import dev.diversify.models.TestNetworks;
import dev.diversify.prune.NpyFile;
import dev.diversify.surgery.Surgery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Files PyTorch wrote (src/test/resources/onnx, made by make_fixtures.py) import to networks that compute PyTorch's
 * outputs, and this project's exports import back to the network they came from.
 */
class OnnxImportTest {
    private static final Path FIXTURES = Path.of("src/test/resources/onnx");

    private static OnnxImport.Imported read(byte[] bytes, String source) {
        return OnnxImport.read(bytes, source, null, new Nesterovs(0.01, 0.9), 5e-4);
    }

    private static OnnxImport.Imported fixture(String name) throws IOException {
        return read(Files.readAllBytes(FIXTURES.resolve(name + ".onnx")), name + ".onnx");
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        TestNetworks.assertRowsClose(expected.toFloatMatrix(), actual.toFloatMatrix(), 1e-5f, what);
    }

    /**
     * A residual add, a concatenation, dilation, a flatten and a view(N, -1) into dense layers, biases on
     * convolutions and none, batch norms kept and folded, MatMul + Add, opsets 11, 13 and 17: the imported network
     * outputs what PyTorch output (the softmax of its logits where the file ends in logits), has PyTorch's
     * parameter count, and goes through the channel graph, surgery and counting like the project's own models.
     */
    @ParameterizedTest
    @ValueSource(strings = {"residual_opset11", "concat_opset13", "plain_opset17"})
    void pytorchExportsImportToTheSameFunction(String name) throws IOException {
        OnnxImport.Imported imported = fixture(name);
        INDArray x = NpyFile.read(FIXTURES.resolve(name + ".input.npy")).castTo(DataType.FLOAT);
        INDArray pytorch = NpyFile.read(FIXTURES.resolve(name + ".output.npy")).castTo(DataType.FLOAT);
        INDArray expected = imported.softmaxAdded() ? Transforms.softmax(pytorch, true) : pytorch;
        ComputationGraph network = imported.network();
        assertClose(expected, network.outputSingle(false, x), name);
        assertEquals(!name.startsWith("plain"), imported.softmaxAdded(), "softmax added where the file ends in logits");
        assertEquals(Integer.parseInt(name.replaceAll(".*opset", "")), imported.opset());

        long pytorchParams = Long.parseLong(Files.readString(FIXTURES.resolve(name + ".params.txt")).trim());
        ModelCost cost = CostCounter.count(network.getConfiguration(), imported.input());
        assertEquals(pytorchParams, cost.params(), "trainable parameters as PyTorch counts them");

        ChannelGraph channels = ChannelGraph.of(network.getConfiguration(), imported.input());
        assertFalse(channels.groups(ResidualPolicy.COUPLED).isEmpty(), "prunable groups");
        ComputationGraph pruned = Surgery.apply(network, imported.input(), TestNetworks.randomPlan(channels, 3));
        assertTrue(CostCounter.count(pruned.getConfiguration(), imported.input()).params() < cost.params());
        assertEquals(x.size(0), pruned.outputSingle(false, x).size(0));
    }

    @Test
    void verticesAreNamedAfterThePytorchModulesAndReluIsFusedIntoItsLayer() throws IOException {
        var conf = fixture("residual_opset11").network().getConfiguration();
        assertEquals(Set.of("stem.0", "stem.1", "stem.stem.2.Relu", "block.conv1", "block.bn1", "block.Relu",
                "block.conv2", "block.bn2", "block.Add", "block.Relu_1", "pool.MaxPool", "fc1", "fc2"),
                conf.getVertices().keySet(), "a ReLU after a batch norm or an addition is a layer");
        var fc1 = (org.deeplearning4j.nn.conf.layers.DenseLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
                conf.getVertices().get("fc1")).getLayerConf().getLayer();
        assertEquals(new org.nd4j.linalg.activations.impl.ActivationReLU(), fc1.getActivationFn(),
                "the ReLU that alone reads fc1 is its activation");
    }

    /** Export then import: the same outputs, parameters and MACs, for every architecture, pruned or not. */
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void exportedModelsImportBackToTheSameNetwork(Architecture architecture) {
        ModelSpec spec = ModelSpec.cifar(architecture, 10).withWidth(0.25);
        InputType input = Models.inputType(spec);
        ComputationGraph network = TestNetworks.withRandomStatistics(spec);
        ComputationGraph pruned = Surgery.apply(network, input,
                TestNetworks.randomPlan(ChannelGraph.of(network.getConfiguration(), input), 5));
        Nd4j.getRandom().setSeed(17);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        for (ComputationGraph original : new ComputationGraph[] {network, pruned}) {
            OnnxImport.Imported back = read(OnnxExport.export(original, input).toByteArray(), architecture.id());
            assertTrue(back.softmaxAdded(), "the test networks end in logits; the import adds a softmax");
            ModelCost before = CostCounter.count(original.getConfiguration(), input);
            ModelCost after = CostCounter.count(back.network().getConfiguration(), back.input());
            assertEquals(before.params(), after.params(), architecture.id() + " params");
            assertEquals(before.macs(), after.macs(), architecture.id() + " MACs");
            assertEquals(before.bnStatistics(), after.bnStatistics(), architecture.id() + " batch-norm statistics");
            // softmax saturates in deep random networks: compare the classifier's input, then the probabilities
            String features = original.getConfiguration().getVertexInputs().get("output").get(0);
            assertClose(original.feedForward(x, false).get(features), back.network().feedForward(x, false)
                    .get(features), architecture.id() + " " + features);
            assertClose(Transforms.softmax(original.outputSingle(false, x), true), back.network().outputSingle(false, x),
                    architecture.id());
            assertTrue(back.network().getConfiguration().getVertices().keySet()
                    .containsAll(original.getConfiguration().getVertices().keySet().stream()
                            .filter(v -> v.endsWith("conv") || v.contains("conv1")).toList()),
                    "convolutions keep their names");
        }
    }

    /** A graph written node by node, as exporters other than PyTorch's may write it. */
    private static final class Graph {
        private final onnx.Onnx.GraphProto.Builder graph = onnx.Onnx.GraphProto.newBuilder().setName("hand");
        private final java.util.Random random = new java.util.Random(3);

        Graph(long... chw) {
            var shape = onnx.Onnx.TensorShapeProto.newBuilder()
                    .addDim(onnx.Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
            for (long d : chw) {
                shape.addDim(onnx.Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            graph.addInput(onnx.Onnx.ValueInfoProto.newBuilder().setName("image").setType(onnx.Onnx.TypeProto
                    .newBuilder().setTensorType(onnx.Onnx.TypeProto.Tensor.newBuilder()
                            .setElemType(onnx.Onnx.TensorProto.DataType.FLOAT).setShape(shape))));
        }

        /** A float tensor of random values in [-0.5, 0.5). */
        onnx.Onnx.TensorProto.Builder tensor(String name, long... dims) {
            var t = onnx.Onnx.TensorProto.newBuilder().setName(name).setDataType(onnx.Onnx.TensorProto.DataType.FLOAT);
            long n = 1;
            for (long d : dims) {
                t.addDims(d);
                n *= d;
            }
            for (long i = 0; i < n; i++) {
                t.addFloatData(random.nextFloat() - 0.5f);
            }
            return t;
        }

        Graph initializer(String name, long... dims) {
            graph.addInitializer(tensor(name, dims));
            return this;
        }

        Graph node(String op, String output, List<String> inputs, onnx.Onnx.AttributeProto... attributes) {
            graph.addNode(onnx.Onnx.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs)
                    .addOutput(output).addAllAttribute(List.of(attributes)));
            return this;
        }

        byte[] model(String output) {
            graph.addOutput(onnx.Onnx.ValueInfoProto.newBuilder().setName(output));
            return onnx.Onnx.ModelProto.newBuilder().setIrVersion(7).setGraph(graph)
                    .addOpsetImport(onnx.Onnx.OperatorSetIdProto.newBuilder().setVersion(13)).build().toByteArray();
        }
    }

    private static onnx.Onnx.AttributeProto ints(String name, long... values) {
        var a = onnx.Onnx.AttributeProto.newBuilder().setName(name);
        if (List.of("axis", "transA", "transB", "group", "ceil_mode").contains(name)) { // single integers
            return a.setType(onnx.Onnx.AttributeProto.AttributeType.INT).setI(values[0]).build();
        }
        a.setType(onnx.Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static void assertComputesWhatOnnxRuntimeComputes(byte[] model, long... chw) throws Exception {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, chw[0], chw[1], chw[2]).subi(0.5);
        var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        float[][] expected;
        try (var session = env.createSession(model, new ai.onnxruntime.OrtSession.SessionOptions());
             var input = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(x.dup('c').data()
                     .asFloat()), x.shape());
             var result = session.run(java.util.Map.of("image", input))) {
            expected = (float[][]) result.get(0).getValue();
        }
        assertClose(Nd4j.create(expected), read(model, "hand.onnx").network().outputSingle(false, x), "hand-built");
    }

    /**
     * Forms other exporters write: a Flatten then a Reshape [0, -1]; a MatMul whose bias is a Constant node written
     * after it; a Gemm without C whose bias is a later Add of a [1, n] initializer; Flatten with a negative axis;
     * a branch nothing reads. ONNX Runtime computes the same on the file.
     */
    @Test
    void handBuiltGraphsComputeWhatOnnxRuntimeComputes() throws Exception {
        Graph first = new Graph(2, 5, 5).initializer("conv.W", 3, 2, 3, 3).initializer("dead.W", 4, 2, 1, 1)
                .initializer("fc.W", 75, 4)
                .node("Conv", "conv", List.of("image", "conv.W"), ints("pads", 1, 1, 1, 1))
                .node("Conv", "dead", List.of("image", "dead.W"))
                .node("Relu", "relu", List.of("conv"))
                .node("Flatten", "flat", List.of("relu"), ints("axis", 1))
                .node("Constant", "to", List.of(), onnx.Onnx.AttributeProto.newBuilder().setName("value_ints")
                        .setType(onnx.Onnx.AttributeProto.AttributeType.INTS).addInts(0).addInts(-1).build())
                .node("Reshape", "again", List.of("flat", "to"))
                .node("MatMul", "fc", List.of("again", "fc.W"));
        first.graph.addNode(onnx.Onnx.NodeProto.newBuilder().setOpType("Constant").setName("bias").addOutput("bias")
                .addAttribute(onnx.Onnx.AttributeProto.newBuilder().setName("value")
                        .setType(onnx.Onnx.AttributeProto.AttributeType.TENSOR).setT(first.tensor("", 4))));
        first.node("Add", "fc_bias", List.of("fc", "bias")).node("Softmax", "out", List.of("fc_bias"), ints("axis", -1));
        assertComputesWhatOnnxRuntimeComputes(first.model("out"), 2, 5, 5);

        Graph second = new Graph(3, 4, 4).initializer("fc.W", 6, 3).initializer("fc.b", 1, 6)
                .node("GlobalAveragePool", "gap", List.of("image"))
                .node("Flatten", "flat", List.of("gap"), ints("axis", -3))
                .node("Gemm", "fc", List.of("flat", "fc.W"), ints("transB", 1))
                .node("Add", "fc_bias", List.of("fc.b", "fc"))
                .node("Softmax", "out", List.of("fc_bias"), ints("axis", 1));
        assertComputesWhatOnnxRuntimeComputes(second.model("out"), 3, 4, 4);
    }

    /** A softmax over one output is 1 for every image: a binary classifier's single logit is refused. */
    @Test
    void aSingleLogitIsRefusedRatherThanTurnedIntoAConstant() {
        byte[] model = new Graph(3, 4, 4).initializer("fc.W", 3, 1)
                .node("GlobalAveragePool", "gap", List.of("image"))
                .node("Flatten", "flat", List.of("gap"))
                .node("MatMul", "logit", List.of("flat", "fc.W")).model("logit");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(model, "binary.onnx"));
        assertTrue(e.getMessage().contains("node 'logit' (MatMul) ends the network with one output"), e.getMessage());
    }

    @Test
    void unsupportedOperatorsAndGroupedConvolutionsAreRefusedNamingTheNode() throws IOException {
        IllegalArgumentException grouped = assertThrows(IllegalArgumentException.class,
                () -> fixture("grouped_conv"));
        assertTrue(grouped.getMessage().contains("grouped_conv.onnx: node '/conv/Conv' (Conv) is a grouped "
                + "convolution (group = 2)"), grouped.getMessage());
        IllegalArgumentException sigmoid = assertThrows(IllegalArgumentException.class,
                () -> fixture("unsupported_sigmoid"));
        assertTrue(sigmoid.getMessage().contains("node '/Sigmoid' (Sigmoid) is not supported (supported: Conv,"),
                sigmoid.getMessage());
    }

    @Test
    void truncatedFilesAndFilesThatAreNotOnnxAreRefusedNamingTheFile() throws IOException {
        byte[] whole = Files.readAllBytes(FIXTURES.resolve("residual_opset11.onnx"));
        for (int length : new int[] {whole.length / 2, whole.length - 7, 40}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> read(Arrays.copyOf(whole, length), "cut.onnx"), "cut at " + length);
            assertTrue(e.getMessage().startsWith("cut.onnx: "), e.getMessage());
        }
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> read("resnet56,0.93\nvgg16,0.94\n".getBytes(StandardCharsets.UTF_8), "results.csv"));
        assertTrue(text.getMessage().startsWith("results.csv: not an ONNX model"), text.getMessage());
    }

    @Test
    void anOpsetOutsideElevenToSeventeenIsRefused() throws IOException {
        onnx.Onnx.ModelProto model = onnx.Onnx.ModelProto.parseFrom(
                Files.readAllBytes(FIXTURES.resolve("plain_opset17.onnx")));
        byte[] opset18 = model.toBuilder().setOpsetImport(0, model.getOpsetImport(0).toBuilder().setVersion(18))
                .build().toByteArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(opset18, "new.onnx"));
        assertTrue(e.getMessage().contains("new.onnx: ONNX opset 18 is not supported (supported: 11 to 17"),
                e.getMessage());
    }

    /** A channels-last input does not meet the filters' channels: refused at the first convolution. */
    @Test
    void aChannelsLastInputOrAWrongInputShapeIsRefused() throws IOException {
        onnx.Onnx.ModelProto model = onnx.Onnx.ModelProto.parseFrom(
                Files.readAllBytes(FIXTURES.resolve("residual_opset11.onnx")));
        var shape = model.getGraph().getInput(0).getType().getTensorType().getShape().toBuilder();
        shape.setDim(1, shape.getDim(1).toBuilder().setDimValue(16)).setDim(3, shape.getDim(3).toBuilder().setDimValue(3));
        var nhwc = model.toBuilder();
        nhwc.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setShape(shape);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(nhwc.build().toByteArray(), "nhwc.onnx"));
        assertTrue(e.getMessage().contains("node '/stem/stem.0/Conv' (Conv) has filters over 3 channels but receives "
                + "16"), e.getMessage());
        IllegalArgumentException larger = assertThrows(IllegalArgumentException.class, () -> OnnxImport.read(
                model.toByteArray(), "r.onnx", (InputType.InputTypeConvolutional) InputType.convolutional(32, 32, 3),
                new Nesterovs(), 0));
        assertTrue(larger.getMessage().contains("(Gemm) has weights for 512 inputs but receives 2048"),
                larger.getMessage());
    }
}
