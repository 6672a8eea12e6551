package dev.diversify.backend;

import static dev.diversify.backend.LoneLayers.assertClose;
import static dev.diversify.backend.LoneLayers.assertSameBackward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
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
        Layer ours = convolution(input, kernel, stride, mode, pad, dilation, bias, true);
        Layer builtIn = convolution(input, kernel, stride, mode, pad, dilation, bias, false);
        assertInstanceOf(OneDnnConvolution.class, ours.getHelper());
        assertNull(builtIn.getHelper(), "the reference is DL4J's own implementation");
        INDArray params = Nd4j.randn(DataType.FLOAT, ours.params().shape());
        ours.setParams(params.dup());
        builtIn.setParams(params.dup());

        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, height, width);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray expectedOut = builtIn.activate(x, true, mgr);
        assertClose(expectedOut, ours.activate(x, true, mgr), "output");

        INDArray epsilon = Nd4j.randn(DataType.FLOAT, expectedOut.shape());
        assertSameBackward(builtIn, ours, epsilon, mgr);
        assertEquals(expectedDeclined, ((OneDnnConvolution) ours.getHelper()).declined(),
                "calls left to DL4J's path: a match must come from our convolution");
    }

    /** {@code helped} false gives DL4J's built-in implementation (helpers off). */
    private static Layer convolution(InputType input, int kernel, int stride, ConvolutionMode mode, int pad,
                                     int dilation, boolean bias, boolean helped) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in").setInputTypes(input)
                .addLayer("conv", new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(pad, pad)
                        .dilation(dilation, dilation).convolutionMode(mode).nOut(5).hasBias(bias)
                        .activation(Activation.IDENTITY).cudnnAllowFallback(false).build(), "in")
                .setOutputs("conv").build();
        return LoneLayers.lone(conf, "conv", helped);
    }
}
