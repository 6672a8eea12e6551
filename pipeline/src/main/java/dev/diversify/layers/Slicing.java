package dev.diversify.layers;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.SpecifiedIndex;

/** Index selection along one dimension of a parameter array. */
final class Slicing {
    private Slicing() {
    }

    /** The entries of {@code array} at {@code indices} (sorted) along {@code dimension}; null or all indices: the array itself. */
    static INDArray select(INDArray array, int dimension, int[] indices) {
        if (indices == null || indices.length == array.size(dimension)) {
            return array; // positions are sorted, so keeping all of them is the identity
        }
        INDArrayIndex[] index = new INDArrayIndex[array.rank()];
        for (int d = 0; d < index.length; d++) {
            index[d] = NDArrayIndex.all(); // one instance per dimension: ND4J initialises each with its size
        }
        index[dimension] = new SpecifiedIndex(Arrays.stream(indices).asLongStream().toArray());
        return array.get(index);
    }
}
