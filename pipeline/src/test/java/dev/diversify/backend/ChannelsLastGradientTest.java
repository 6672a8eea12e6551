package dev.diversify.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** DL4J sums gradients into ours with {@code addi}: the same sums as ND4J's, in place, whatever the other array. */
class ChannelsLastGradientTest {
    private static INDArray channelsLast(long n, long c, long h, long w) {
        return Nd4j.rand(DataType.FLOAT, n, h, w, c).permute(0, 3, 1, 2);
    }

    @Test
    void addsAnotherGradientInPlaceAsNd4jDoes() {
        INDArray a = channelsLast(2, 5, 3, 4);
        INDArray expected = a.dup('c');
        INDArray gradient = ChannelsLastGradient.of(a);
        assertInstanceOf(ChannelsLastGradient.class, gradient);

        INDArray other = channelsLast(2, 5, 3, 4);
        expected.addi(other.dup('c'));
        assertSame(gradient, gradient.addi(other));
        assertEquals(expected, gradient, "the same float sums, bit for bit");
        assertEquals(expected, a, "written into the array it wraps");

        // a batch slice: dense with an offset into its buffer
        INDArray whole = channelsLast(4, 5, 3, 4);
        INDArray slice = whole.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all());
        expected.addi(slice.dup('c'));
        gradient.addi(slice);
        assertEquals(expected, gradient);

        // other layouts: ND4J's own addition
        INDArray nchw = Nd4j.rand(DataType.FLOAT, 2, 5, 3, 4);
        expected.addi(nchw);
        gradient.addi(nchw);
        assertEquals(expected, gradient);
        INDArray broadcast = Nd4j.rand(DataType.FLOAT, 1, 5, 3, 4);
        assertEquals(expected.add(broadcast), gradient.addi(broadcast), "broadcasting stays ND4J's");
    }

    @Test
    void wrapsOnlyChannelsLastFloatGradients() {
        INDArray nchw = Nd4j.rand(DataType.FLOAT, 2, 5, 3, 4);
        assertSame(nchw, ChannelsLastGradient.of(nchw), "C order: ND4J adds it fast already");
        INDArray doubles = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 5).permute(0, 3, 1, 2);
        assertSame(doubles, ChannelsLastGradient.of(doubles));
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray created = Layout.CHANNELS_LAST.createGradient(mgr, new long[] {2, 5, 3, 4});
        assertInstanceOf(ChannelsLastGradient.class, created);
        assertEquals(Layout.CHANNELS_LAST, Layout.of(created));
        assertFalse(Layout.NCHW.createGradient(mgr, new long[] {2, 5, 3, 4}) instanceof ChannelsLastGradient);
    }
}
