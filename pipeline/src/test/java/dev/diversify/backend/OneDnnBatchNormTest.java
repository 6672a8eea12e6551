package dev.diversify.backend;

import static dev.diversify.backend.LoneLayers.assertClose;
import static dev.diversify.backend.LoneLayers.assertSameBackward;
import static dev.diversify.backend.LoneLayers.inLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link OneDnnBatchNorm} computes what DL4J's built-in batch norm computes, forward and backward. */
class OneDnnBatchNormTest {
    /**
     * Training forward, backward (input, gamma and beta gradients, running-statistics updates) and inference,
     * for inputs and output gradients in ND4J's orders and channels-last, mixed as a DL4J vertex between two
     * of our layers mixes them. Output and input gradient keep the input's layout.
     */
    @ParameterizedTest(name = "input {0}, output gradient {1}")
    @CsvSource({"c, c", "f, f", "channels-last, channels-last", "channels-last, c", "c, channels-last"})
    void aLayerMatchesDl4jsBuiltInImplementation(String inputLayout, String epsilonLayout) {
        long[] shape = {4, 3, 5, 7};
        Layer ours = batchNorm(InputType.convolutional(5, 7, 3), true);
        Layer builtIn = batchNorm(InputType.convolutional(5, 7, 3), false);
        assertInstanceOf(OneDnnBatchNorm.class, ours.getHelper());
        assertNull(builtIn.getHelper(), "the reference is DL4J's own implementation");
        INDArray params = Nd4j.rand(DataType.FLOAT, ours.params().shape()).addi(0.5);
        ours.setParams(params.dup());
        builtIn.setParams(params.dup());

        // per-channel offsets and scales, so that a wrong channel axis or statistic shows
        INDArray x = inLayout(Nd4j.randn(DataType.FLOAT, shape).muli(Nd4j.createFromArray(1f, 3f, 0.5f).reshape(1, 3, 1, 1))
                .addi(Nd4j.createFromArray(2f, -1f, 0f).reshape(1, 3, 1, 1)), inputLayout);
        INDArray epsilon = inLayout(Nd4j.randn(DataType.FLOAT, shape), epsilonLayout);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray out = ours.activate(x, true, mgr);
        assertClose(builtIn.activate(x, true, mgr), out, "training output");
        Layout expected = inputLayout.equals("f") ? Layout.NCHW : Layout.of(x);
        assertEquals(expected, Layout.of(out), "the output's layout");
        assertSameBackward(builtIn, ours, epsilon, mgr);
        assertEquals(expected, Layout.of(ours.backpropGradient(epsilon, mgr).getSecond()), "the input gradient's layout");
        assertClose(builtIn.activate(x, false, mgr), ours.activate(x, false, mgr), "inference output (running statistics)");
        assertEquals(0, ((OneDnnBatchNorm) ours.getHelper()).declined(), "a match must come from our batch norm");
    }

    /** DL4J hands a batch norm after a dense layer to its helper as [N, C, 1, 1]. */
    @Test
    void aBatchNormOnDenseActivationsMatchesToo() {
        Layer ours = batchNorm(InputType.feedForward(6), true);
        Layer builtIn = batchNorm(InputType.feedForward(6), false);
        INDArray params = Nd4j.rand(DataType.FLOAT, ours.params().shape()).addi(0.5);
        ours.setParams(params.dup());
        builtIn.setParams(params.dup());
        INDArray x = Nd4j.randn(DataType.FLOAT, 9, 6).addi(1);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        assertClose(builtIn.activate(x, true, mgr), ours.activate(x, true, mgr), "training output");
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, 9, 6);
        assertSameBackward(builtIn, ours, epsilon, mgr);
        assertEquals(0, ((OneDnnBatchNorm) ours.getHelper()).declined(), "a match must come from our batch norm");
    }

    /** A lone batch-norm layer; {@code helped} false gives DL4J's built-in implementation (helpers off). */
    private static Layer batchNorm(InputType input, boolean helped) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in").setInputTypes(input)
                .addLayer("bn", new BatchNormalization.Builder().cudnnAllowFallback(false).build(), "in")
                .setOutputs("bn").build();
        return LoneLayers.lone(conf, "bn", helped);
    }

    /**
     * oneDNN has a channels-last JIT kernel for 16 channels on any x86 CPU with SSE 4.1 or later, and none for 6
     * (its generic kernel, several times slower); N, C, H, W is the plain kernel for both.
     */
    @Test
    void knowsWhereChannelsLastHasAJitKernel() {
        assertTrue(OneDnnBatchNorm.hasJitKernel(Layout.CHANNELS_LAST, new long[] {8, 16, 5, 5}));
        assertFalse(OneDnnBatchNorm.hasJitKernel(Layout.CHANNELS_LAST, new long[] {8, 6, 5, 5}));
    }
}
