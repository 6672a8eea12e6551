package dev.diversify.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    private static INDArray batches(INDArray a, int from, int to) {
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** The same float sums as ND4J's, element for element: compared as raw floats in N, C, H, W order. */
    private static void assertSameFloats(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat());
    }

    private static INDArray roundTrip(INDArray a) {
        try {
            var bytes = new java.io.ByteArrayOutputStream();
            try (var out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(a);
            }
            try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                return (INDArray) in.readObject();
            }
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void addsAnotherGradientInPlaceAsNd4jDoes() {
        INDArray a = channelsLast(2, 5, 3, 4);
        INDArray expected = a.dup('c');
        INDArray gradient = ChannelsLastGradient.of(a);
        assertInstanceOf(ChannelsLastGradient.class, gradient);

        long before = ChannelsLastGradient.flatSums();
        INDArray other = channelsLast(2, 5, 3, 4);
        expected.addi(other.dup('c'));
        assertSame(gradient, gradient.addi(other));
        assertSameFloats(expected, gradient);
        assertSameFloats(expected, a);
        // batch slices: dense with an offset into their buffer, as the other array and as the gradient
        INDArray whole = channelsLast(4, 5, 3, 4);
        expected.addi(batches(whole, 1, 3).dup('c'));
        gradient.addi(batches(whole, 1, 3));
        assertSameFloats(expected, gradient);
        INDArray sliceExpected = batches(whole, 2, 4).dup('c').addi(other.dup('c'));
        ChannelsLastGradient.of(batches(whole, 2, 4)).addi(other);
        assertSameFloats(sliceExpected, batches(whole, 2, 4));
        // one buffer on both sides: doubles it
        expected.addi(expected.dup());
        gradient.addi(gradient);
        assertSameFloats(expected, gradient);
        assertEquals(before + 4, ChannelsLastGradient.flatSums(), "each of the four sums as flat vectors");

        // other layouts: ND4J's own addition
        INDArray nchw = Nd4j.rand(DataType.FLOAT, 2, 5, 3, 4);
        expected.addi(nchw);
        gradient.addi(nchw);
        assertSameFloats(expected, gradient);
        INDArray broadcast = Nd4j.rand(DataType.FLOAT, 1, 5, 3, 4);
        assertSameFloats(expected.add(broadcast), gradient.addi(broadcast));
        assertEquals(before + 4, ChannelsLastGradient.flatSums(), "ND4J's sums");
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
        INDArray serialised = roundTrip(created.assign(3f));
        assertFalse(serialised instanceof ChannelsLastGradient, "serialised as ND4J's own array");
        assertEquals(created, serialised);
        System.setProperty(OneDnn.SUM_PROPERTY, "nd4j");
        try {
            INDArray plain = Layout.CHANNELS_LAST.createGradient(mgr, new long[] {2, 5, 3, 4});
            assertFalse(plain instanceof ChannelsLastGradient);
        } finally {
            System.clearProperty(OneDnn.SUM_PROPERTY);
        }
    }
}
