package dev.diversify.backend;

import static dev.diversify.backend.LoneLayers.assertClose;
import static dev.diversify.backend.LoneLayers.assertSameBackward;
import static dev.diversify.backend.LoneLayers.inLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link OneDnnConvolution} computes what DL4J's built-in convolution computes, forward and backward. */
class OneDnnConvolutionTest {
    /**
     * Geometries: "same" with even and odd sides (DL4J pads more after than before), 1x1 with stride 2 (a
     * ResNet shortcut: the last row is never read, a negative padding for oneDNN), 1x1 (whose weight
     * gradient DL4J hands over as a view ND4J's own contiguity check refuses), dilation, a truncated border.
     * The last column counts the calls our convolution may leave to DL4J's path: none.
     */
    @ParameterizedTest(name = "{0}x{0} stride {1} {2} pad {3} dilation {4} bias {5} on {6}x{7}")
    @CsvSource({
            "3, 1, Same, 0, 1, false, 8, 8, 0",
            "3, 2, Same, 0, 1, true, 8, 7, 0",
            "1, 2, Same, 0, 1, false, 8, 8, 0",
            "1, 1, Same, 0, 1, false, 6, 6, 0",
            "5, 1, Truncate, 1, 2, true, 11, 9, 0",
            "3, 2, Truncate, 0, 1, true, 8, 8, 0"})
    void aLayerMatchesDl4jsBuiltInImplementation(int kernel, int stride, ConvolutionMode mode, int pad, int dilation,
                                                 boolean bias, int height, int width, int expectedDeclined) {
        InputType input = InputType.convolutional(height, width, 3);
        Layer ours = convolution(input, kernel, stride, mode, pad, dilation, bias, true, "relu");
        Layer builtIn = convolution(input, kernel, stride, mode, pad, dilation, bias, false, "relu");
        assertEquals(Layout.CHANNELS_LAST, Layout.of(ours.activate(Nd4j.randn(DataType.FLOAT, 4, 3, height, width),
                false, LayerWorkspaceMgr.noWorkspaces())), "channels-last outputs: the layer feeds a ReLU of ours");
        assertInstanceOf(OneDnnConvolution.class, ours.getHelper());
        assertNull(builtIn.getHelper(), "the reference is DL4J's own implementation");
        sameRandomParams(ours, builtIn);

        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, height, width);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray expectedOut = builtIn.activate(x, true, mgr);
        assertClose(expectedOut, ours.activate(x, true, mgr), "output");

        INDArray epsilon = Nd4j.randn(DataType.FLOAT, expectedOut.shape());
        assertSameBackward(builtIn, ours, epsilon, mgr);
        assertEquals(expectedDeclined, ((OneDnnConvolution) ours.getHelper()).declined(),
                "calls left to DL4J's path: a match must come from our convolution");
    }

    /**
     * Inputs and output gradients in ND4J's orders and channels-last, mixed as a DL4J vertex between two of our
     * layers mixes them. The output is channels-last when the layer feeds only our layers (here a ReLU), N, C,
     * H, W when it feeds one of DL4J's (here p-norm pooling) or {@value Layout#PROPERTY} is {@code nchw}; the
     * input's gradient is in the input's layout (N, C, H, W for an input with gaps).
     */
    @ParameterizedTest(name = "input {0}, output gradient {1}, {2}, then {3}")
    @CsvSource({
            "c, c, channels-last, relu, CHANNELS_LAST",
            "channels-last, channels-last, channels-last, relu, CHANNELS_LAST",
            "channels-last, c, channels-last, relu, CHANNELS_LAST",
            "c, channels-last, channels-last, relu, CHANNELS_LAST",
            "f, f, channels-last, relu, CHANNELS_LAST",
            "channels-last, channels-last, nchw, relu, NCHW",
            "c, channels-last, nchw, relu, NCHW",
            "channels-last, channels-last, channels-last, maxpool, CHANNELS_LAST",
            "channels-last, channels-last, channels-last, pnormpool, NCHW",
            "c, c, channels-last, pnormpool, NCHW"})
    void layoutsMatchDl4jsBuiltInImplementation(String inputLayout, String epsilonLayout, String property,
                                                String consumer, Layout expectedLayout) {
        System.setProperty(Layout.PROPERTY, property);
        try {
            for (int stride : new int[] {1, 2}) {
                InputType input = InputType.convolutional(12, 11, 3);
                Layer ours = convolution(input, 3, stride, ConvolutionMode.Same, 0, 1, true, true, consumer);
                Layer builtIn = convolution(input, 3, stride, ConvolutionMode.Same, 0, 1, true, false, consumer);
                sameRandomParams(ours, builtIn);
                INDArray x = inLayout(Nd4j.randn(DataType.FLOAT, 4, 3, 12, 11), inputLayout);
                LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
                INDArray expectedOut = builtIn.activate(x, true, mgr);
                INDArray out = ours.activate(x, true, mgr);
                assertClose(expectedOut, out, "output");
                assertEquals(expectedLayout, Layout.of(out), "the output's layout");

                INDArray epsilon = inLayout(Nd4j.randn(DataType.FLOAT, expectedOut.shape()), epsilonLayout);
                assertSameBackward(builtIn, ours, epsilon, mgr);
                INDArray dx = ours.backpropGradient(epsilon, mgr).getSecond();
                Layout expectedDx = inputLayout.equals("f") ? Layout.NCHW : Layout.of(x);
                assertEquals(expectedDx, Layout.of(dx), "the input gradient's layout");
                assertEquals(0, ((OneDnnConvolution) ours.getHelper()).declined(), "a match must come from ours");
            }
        } finally {
            System.clearProperty(Layout.PROPERTY);
        }
    }

    /**
     * A layer of 6 output channels writes N, C, H, W when it feeds a batch norm (oneDNN has no channels-last
     * JIT kernel for 6 channels), channels-last when it feeds a ReLU; both match DL4J's.
     */
    @ParameterizedTest(name = "feeding a {0}")
    @CsvSource({"batchnorm, NCHW", "relu, CHANNELS_LAST"})
    void writesNchwWhereBatchNormReadsItAndIsSlowInChannelsLast(String consumer, Layout expected) {
        InputType input = InputType.convolutional(8, 8, 3);
        Layer ours = convolution(input, 3, 1, ConvolutionMode.Same, 0, 1, true, true, consumer, 6);
        Layer builtIn = convolution(input, 3, 1, ConvolutionMode.Same, 0, 1, true, false, consumer, 6);
        sameRandomParams(ours, builtIn);
        INDArray x = inLayout(Nd4j.randn(DataType.FLOAT, 4, 3, 8, 8), "channels-last");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray out = ours.activate(x, true, mgr);
        assertClose(builtIn.activate(x, true, mgr), out, "output");
        assertEquals(expected, Layout.of(out), "the output's layout");
        assertSameBackward(builtIn, ours, Nd4j.randn(DataType.FLOAT, out.shape()), mgr);
    }

    /**
     * From the third forward pass in a row with no backward pass between them (inference), a convolution keeps
     * its reordered weights and reuses them while the weights are bit for bit the same, reorders them again when
     * one changed, and training steps (a forward pass, repeated by DL4J in the backward pass of a layer that
     * caches nothing) do not keep them.
     */
    @Test
    void inferenceReusesReorderedWeightsOnlyWhileTheyAreUnchanged() {
        InputType input = InputType.convolutional(8, 8, 16);
        Layer ours = convolution(input, 3, 1, ConvolutionMode.Same, 0, 1, true, true, "relu");
        Layer builtIn = convolution(input, 3, 1, ConvolutionMode.Same, 0, 1, true, false, "relu");
        sameRandomParams(ours, builtIn);
        OneDnnConvolution helper = (OneDnnConvolution) ours.getHelper();
        INDArray x = inLayout(Nd4j.randn(DataType.FLOAT, 4, 16, 8, 8), "channels-last");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int i = 0; i < 5; i++) {
            assertClose(builtIn.activate(x, false, mgr), ours.activate(x, false, mgr), "output " + i);
        }
        assertEquals(2, helper.reusedWeights(), "the fourth and fifth pass reuse the third one's weights");

        for (Layer layer : new Layer[] {ours, builtIn}) {
            layer.getParam(ConvolutionParamInitializer.WEIGHT_KEY).putScalar(new long[] {4, 15, 2, 2}, 3.5);
        }
        assertClose(builtIn.activate(x, false, mgr), ours.activate(x, false, mgr), "output after one weight changed");
        assertEquals(2, helper.reusedWeights(), "a changed weight is reordered again");

        for (int step = 0; step < 3; step++) {
            INDArray out = builtIn.activate(x, true, mgr);
            assertClose(out, ours.activate(x, true, mgr), "training output " + step);
            assertSameBackward(builtIn, ours, Nd4j.randn(DataType.FLOAT, out.shape()), mgr);
            for (Layer layer : new Layer[] {ours, builtIn}) { // as an update would
                layer.getParam(ConvolutionParamInitializer.WEIGHT_KEY).putScalar(new long[] {1, 3, 0, 1}, step - 2.5);
            }
        }
        // the first step's forward pass, and DL4J's repeat of it in the backward pass, follow inference with the
        // same weights; after a backward pass, a step's two forward passes keep nothing
        assertEquals(4, helper.reusedWeights(), "passes that reused the kept weights");
        assertEquals(0, helper.declined());
    }

    /** The same random parameters for both layers. */
    private static void sameRandomParams(Layer ours, Layer builtIn) {
        INDArray params = Nd4j.randn(DataType.FLOAT, ours.params().shape());
        ours.setParams(params.dup());
        builtIn.setParams(params.dup());
    }

    /**
     * A convolution followed by a ReLU ({@code consumer} "relu"), a batch norm ("batchnorm"), max pooling ("maxpool",
     * ours) or p-norm pooling ("pnormpool", DL4J's); {@code helped} false
     * gives DL4J's built-in implementation (helpers off).
     */
    private static Layer convolution(InputType input, int kernel, int stride, ConvolutionMode mode, int pad,
                                     int dilation, boolean bias, boolean helped, String consumer) {
        return convolution(input, kernel, stride, mode, pad, dilation, bias, helped, consumer, 16);
    }

    /** The same with {@code outChannels} output channels. */
    private static Layer convolution(InputType input, int kernel, int stride, ConvolutionMode mode, int pad,
                                     int dilation, boolean bias, boolean helped, String consumer, int outChannels) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in").setInputTypes(input)
                .addLayer("conv", new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(pad, pad)
                        .dilation(dilation, dilation).convolutionMode(mode).nOut(outChannels).hasBias(bias)
                        .activation(Activation.IDENTITY).cudnnAllowFallback(false).build(), "in")
                .addLayer("next", switch (consumer) {
                    case "relu" -> new ActivationLayer.Builder().activation(Activation.RELU).build();
                    case "batchnorm" -> new BatchNormalization.Builder().build();
                    case "maxpool" -> new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(1, 1).build();
                    default -> new SubsamplingLayer.Builder(PoolingType.PNORM).pnorm(2).kernelSize(1, 1).build();
                }, "conv")
                .setOutputs("next").build();
        return LoneLayers.lone(conf, "conv", helped);
    }
}
