package dev.diversify.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link Layout#of} tells the two layouts our layers bind by address from arrays it must copy. */
class LayoutTest {
    @Test
    void classifiesArraysByTheirStrides() {
        INDArray channelsLast = Nd4j.rand(DataType.FLOAT, 2, 4, 5, 3).permute(0, 3, 1, 2);
        assertEquals(Layout.CHANNELS_LAST, Layout.of(channelsLast));
        assertEquals(Layout.NCHW, Layout.of(Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5)));
        assertEquals(Layout.NCHW, Layout.of(Nd4j.rand(DataType.FLOAT, 6, 7)), "a dense matrix, to a ReLU");
        assertEquals(Layout.CHANNELS_LAST, Layout.of(Nd4j.rand(DataType.FLOAT, 1, 4, 5, 3).permute(0, 3, 1, 2)), "N = 1");
        // where both orders lie alike in memory, N, C, H, W: one channel, or 1x1 images
        assertEquals(Layout.NCHW, Layout.of(Nd4j.rand(DataType.FLOAT, 2, 4, 5, 1).permute(0, 3, 1, 2)));
        assertEquals(Layout.NCHW, Layout.of(Nd4j.rand(DataType.FLOAT, 2, 1, 1, 3).permute(0, 3, 1, 2)));
        // an F-order [1, C, 1, W] has channels-last strides
        assertEquals(Layout.CHANNELS_LAST, Layout.of(Nd4j.rand(DataType.FLOAT, 1, 3, 1, 4).dup('f')));
        // gaps: copied, never bound
        assertNull(Layout.of(Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5).dup('f')));
        assertNull(Layout.of(channelsLast.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2), NDArrayIndex.all(),
                NDArrayIndex.all())), "a channel slice of a channels-last array");
        assertNull(Layout.of(Nd4j.rand(DataType.FLOAT, 2, 6, 4, 5).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3),
                NDArrayIndex.all(), NDArrayIndex.all())), "a channel slice of an N, C, H, W array");
    }

    @Test
    void createsArraysInEachLayout() {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray a = Layout.CHANNELS_LAST.create(mgr, ArrayType.ACTIVATIONS, new long[] {2, 3, 4, 5});
        assertEquals(Layout.CHANNELS_LAST, Layout.of(a));
        assertEquals(java.util.List.of(2L, 3L, 4L, 5L), java.util.Arrays.stream(a.shape()).boxed().toList());
        assertEquals(Layout.NCHW, Layout.of(Layout.NCHW.create(mgr, ArrayType.ACTIVATIONS, new long[] {2, 3, 4, 5})));
    }

    /** A batch slice with an offset keeps its layout; the converter copies it without reading past it. */
    @Test
    void convertsBetweenLayoutsKeepingValues() {
        INDArray whole = Nd4j.rand(DataType.FLOAT, 4, 3, 5, 6);
        INDArray slice = whole.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        assertEquals(Layout.NCHW, Layout.of(slice));
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        try (var stream = new org.bytedeco.dnnl.stream(Dnnl.CPU)) {
            java.util.List<INDArray> held = new java.util.ArrayList<>();
            INDArray channelsLast = new Layout.Converter().to(Layout.CHANNELS_LAST, slice, mgr, ArrayType.ACTIVATIONS,
                    stream, held);
            stream._wait();
            assertEquals(Layout.CHANNELS_LAST, Layout.of(channelsLast));
            assertEquals(slice, channelsLast);
            INDArray back = new Layout.Converter().to(Layout.NCHW, channelsLast, mgr, ArrayType.ACTIVATIONS, stream, held);
            stream._wait();
            assertEquals(Layout.NCHW, Layout.of(back));
            assertEquals(slice, back);
        }
    }
}
