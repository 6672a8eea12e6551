package dev.diversify.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import dev.diversify.models.TestNetworks;
import dev.diversify.surgery.BatchNormFolding;
import dev.diversify.surgery.Surgery;
import java.nio.FloatBuffer;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX Runtime runs the exported file and must compute what DL4J computes, for every architecture. */
class OnnxExportTest {
    private static INDArray images() {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(DataType.FLOAT, 3, 3, 32, 32);
    }

    /** ONNX Runtime's output of {@code model} on {@code x}. */
    private static float[][] onnxRuntime(onnx.Onnx.ModelProto model, INDArray x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.dup('c').data().asFloat()), x.shape());
             OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    private static void assertSameOutputs(ComputationGraph network, onnx.Onnx.ModelProto model, String what)
            throws Exception {
        INDArray x = images();
        TestNetworks.assertRowsClose(network.outputSingle(false, x).toFloatMatrix(), onnxRuntime(model, x), 1e-4f, what);
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void onnxRuntimeComputesWhatDl4jComputesPrunedFoldedOrNot(Architecture architecture) throws Exception {
        ModelSpec spec = ModelSpec.cifar(architecture, 10).withWidth(0.25);
        InputType input = Models.inputType(spec);
        ComputationGraph network = TestNetworks.withRandomStatistics(spec);
        assertSameOutputs(network, OnnxExport.export(network, input), architecture.id());
        ComputationGraph pruned = Surgery.apply(network, input,
                TestNetworks.randomPlan(ChannelGraph.of(network.getConfiguration(), input), 7));
        assertSameOutputs(pruned, OnnxExport.export(pruned, input), architecture.id() + " pruned");
        ComputationGraph folded = BatchNormFolding.fold(pruned).network();
        assertSameOutputs(folded, OnnxExport.export(folded, input), architecture.id() + " pruned, folded");
    }

    /**
     * What the five architectures never use: an odd input size, Truncate padding with a stride, a convolution
     * with bias, dilation, padded max pooling, a batch norm storing variances, a flatten into dense layers.
     */
    @Test
    void paddingModesDilationBiasAndVariancesExportExactly() throws Exception {
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .addLayer("c1", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).stride(2, 2)
                        .padding(1, 1).convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Truncate).nOut(6)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().useLogStd(false)
                        .eps(1e-3).build(), "c1")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("c2", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).dilation(2, 2)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).nOut(5)
                        .activation(Activation.RELU).build(), "relu")
                .addLayer("pool", new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.PoolingType.MAX).kernelSize(3, 3).stride(2, 2).padding(1, 1)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Truncate).build(), "c2")
                .addLayer("dense", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(7)
                        .activation(Activation.RELU).build(), "pool")
                .addLayer("output", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(4)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("output").setInputTypes(InputType.convolutional(17, 17, 3)).build();
        ComputationGraph network = new ComputationGraph(conf);
        network.init();
        java.util.Random random = new java.util.Random(5);
        network.getLayer("bn").paramTable().forEach((key, values) -> {
            for (long i = 0; i < values.length(); i++) {
                values.putScalar(i, key.equals("var") || key.equals("gamma") ? 0.5 + random.nextDouble()
                        : random.nextDouble() - 0.5);
            }
        });
        Nd4j.getRandom().setSeed(13);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 17, 17).subi(0.5);
        float[][] expected = network.outputSingle(false, x).toFloatMatrix();
        float[][] actual = onnxRuntime(OnnxExport.export(network, InputType.convolutional(17, 17, 3)), x);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], 1e-5f, "image " + i);
        }
    }

    @Test
    void theShippedSoftmaxClassifierExportsWithItsSoftmax() throws Exception {
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25);
        ComputationGraph network = Models.build(spec);
        float[][] probabilities = onnxRuntime(OnnxExport.export(network, Models.inputType(spec)), images());
        for (float[] row : probabilities) {
            float sum = 0;
            for (float p : row) {
                sum += p;
            }
            assertTrue(Math.abs(sum - 1) < 1e-4, "softmax rows sum to 1: " + sum);
        }
        assertSameOutputs(network, OnnxExport.export(network, Models.inputType(spec)), "resnet20 with softmax");
    }

    @Test
    void aLayerTypeOrActivationItCannotWriteIsRefusedByName() {
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25);
        var conf = Models.configuration(spec);
        ((ActivationLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get("stem_relu"))
                .getLayerConf().getLayer()).setActivationFn(Activation.TANH.getActivationFunction());
        ComputationGraph tanh = Models.initialise(conf);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.export(tanh, Models.inputType(spec)));
        assertTrue(error.getMessage().contains("vertex 'stem_relu': activation tanh is not exported"),
                error.getMessage());
        ComputationGraph network = Models.build(spec);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.export(network, InputType.convolutional(32, 32, 1)));
        assertTrue(shape.getMessage().contains("vertex 'stem_conv': its filters take 3 channels but it receives 1"),
                shape.getMessage());
        assertTrue(network.getConfiguration().getVertices().values().stream().noneMatch(v ->
                v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex l
                        && l.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c
                        && c.getNIn() == 1), "the network's configuration is left as it was");
    }
}
