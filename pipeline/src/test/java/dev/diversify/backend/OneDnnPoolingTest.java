package dev.diversify.backend;

import static dev.diversify.backend.LoneLayers.assertClose;
import static dev.diversify.backend.LoneLayers.assertSameBackward;
import static dev.diversify.backend.LoneLayers.inLayout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link OneDnnPooling} computes what DL4J's pooling layer computes, and takes its place only where it can. */
class OneDnnPoolingTest {
    /**
     * Training and inference outputs and the input gradient (DL4J's backward pass, from our layer's input), for
     * max and average pooling, "same" and "truncate" windows, in ND4J's orders and channels-last. The output
     * keeps the input's layout.
     */
    @ParameterizedTest(name = "{0} {1} {2}x{2} stride {3} on {4}x{5}, input {6}")
    @CsvSource({"MAX, Same, 2, 2, 8, 6, c", "MAX, Same, 2, 2, 8, 6, channels-last", "AVG, Same, 2, 2, 8, 6, channels-last",
        "AVG, Same, 2, 2, 4, 4, f", "MAX, Truncate, 3, 2, 7, 8, channels-last", "AVG, Truncate, 3, 1, 5, 5, c",
        "MAX, Same, 1, 2, 6, 6, channels-last"})
    void aLayerMatchesDl4jsPooling(PoolingType type, ConvolutionMode mode, int kernel, int stride, int height,
                                   int width, String inputLayout) {
        ComputationGraphConfiguration conf = conf(type, mode, kernel, stride, height, width);
        Layer ours = LoneLayers.lone(conf, "pool", true);
        Layer builtIn = LoneLayers.lone(conf, "pool", false);
        assertInstanceOf(OneDnnPooling.class, ours);
        assertEquals(org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class, builtIn.getClass(),
                "the reference is DL4J's");
        INDArray x = inLayout(Nd4j.randn(DataType.FLOAT, 3, 5, height, width), inputLayout);
        INDArray original = x.dup();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();

        INDArray expected = builtIn.activate(x.dup(), true, mgr);
        INDArray out = ours.activate(x, true, mgr);
        assertArrayEquals(expected.shape(), out.shape(), "output shape");
        assertClose(expected, out, "training output");
        assertEquals(inputLayout.equals("f") ? Layout.NCHW : Layout.of(x), Layout.of(out), "the output's layout");
        assertSameBackward(builtIn, ours, inLayout(Nd4j.randn(DataType.FLOAT, expected.shape()), inputLayout), mgr);
        assertClose(builtIn.activate(x.dup(), false, mgr), ours.activate(x, false, mgr), "inference output");
        assertEquals(0, ((OneDnnPooling) ours).declined(), "a match must come from our pooling");
        assertEquals(original, x, "the input is left as it was");
    }

    /**
     * Where DL4J's "same" windows need padding (odd sizes), and for doubles, DL4J's implementation computes the
     * forward pass.
     */
    @Test
    void paddedWindowsAndOtherDataTypesGoToDl4js() {
        ComputationGraphConfiguration conf = conf(PoolingType.MAX, ConvolutionMode.Same, 2, 2, 5, 5);
        Layer ours = LoneLayers.lone(conf, "pool", true);
        Layer builtIn = LoneLayers.lone(conf, "pool", false);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.randn(type, 2, 3, 5, 5);
            assertClose(builtIn.activate(x.dup(), false, mgr), ours.activate(x, false, mgr), type + " output");
        }
        assertEquals(2, ((OneDnnPooling) ours).declined());
    }

    /** P-norm pooling, dilated windows and explicit padding are not what ours computes: they keep DL4J's layer. */
    @Test
    void otherPoolingKeepsDl4jsLayer() {
        SubsamplingLayer[] others = {
            new SubsamplingLayer.Builder(PoolingType.PNORM).pnorm(2).kernelSize(2, 2).stride(2, 2).build(),
            new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(1, 1).dilation(2, 2)
                    .convolutionMode(ConvolutionMode.Truncate).build(),
            new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(3, 3).stride(1, 1).padding(1, 1)
                    .convolutionMode(ConvolutionMode.Truncate).build()};
        for (SubsamplingLayer other : others) {
            Layer layer = LoneLayers.lone(conf(other, 8, 8), "pool", true);
            assertEquals(org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class, layer.getClass(),
                    other.toString());
            assertThrows(IllegalArgumentException.class, () -> new OneDnnPooling(layer), "refused: " + other);
        }
    }

    /** The graph runs ours: its layer array, the vertex and the lookup by name all hold the same instance. */
    @Test
    void theGraphHoldsOurLayerEverywhere() {
        ComputationGraph graph = new ComputationGraph(conf(PoolingType.MAX, ConvolutionMode.Same, 2, 2, 4, 4));
        graph.init();
        OneDnn.useOwnHelpers(graph);
        Layer pool = graph.getLayer("pool");
        assertInstanceOf(OneDnnPooling.class, pool);
        assertSame(pool, graph.getVertex("pool").getLayer());
        assertEquals(1, Arrays.stream(graph.getLayers()).filter(l -> l == pool).count());
        OneDnn.useOwnHelpers(graph);
        assertSame(pool, graph.getLayer("pool"), "idempotent");
        INDArray x = Nd4j.arange(80).castTo(DataType.FLOAT).reshape(1, 5, 4, 4);
        float[] maxima = new float[20];
        for (int c = 0; c < 5; c++) { // each channel's 4x4 values are 16c + 0 ... 15; a window's largest is its bottom right
            float[] of = {16 * c + 5, 16 * c + 7, 16 * c + 13, 16 * c + 15};
            System.arraycopy(of, 0, maxima, 4 * c, 4);
        }
        assertEquals(Nd4j.createFromArray(maxima).reshape(1, 5, 2, 2), graph.outputSingle(x));
        assertEquals(0, ((OneDnnPooling) pool).declined());
    }

    private static ComputationGraphConfiguration conf(PoolingType type, ConvolutionMode mode, int kernel, int stride,
                                                      int height, int width) {
        return conf(new SubsamplingLayer.Builder(type).kernelSize(kernel, kernel).stride(stride, stride)
                .convolutionMode(mode).build(), height, width);
    }

    private static ComputationGraphConfiguration conf(SubsamplingLayer layer, int height, int width) {
        return new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(height, width, 5)).addLayer("pool", layer, "in")
                .setOutputs("pool").build();
    }
}
