package dev.diversify.prune;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The filters of one layer (or coupled group) as an N x D matrix in 64-bit floats: row i is
 * filter i flattened (for a group, every member's filter i, concatenated).
 */
public final class FilterBank {
    private final INDArray rows;

    private FilterBank(INDArray rows) {
        this.rows = rows;
    }

    /**
     * Filters from weights of shape [N, ...] (a convolution's [N, C, kH, kW], or [N, D]), any float type:
     * row i is filter i flattened in C order, cast to 64-bit floats (ALGORITHM.md, "Per layer: which filters
     * go", step 1). The result is a copy.
     *
     * @param weights the layer's weights, [N, ...]
     * @return an N x D bank, D = C*kH*kW for a convolution
     * @throws IllegalArgumentException when the rank is below 2, N is 0, the filters have no weights, or
     *     any weight is NaN or infinite
     */
    public static FilterBank of(INDArray weights) {
        if (weights.rank() < 2 || weights.size(0) < 1) {
            throw new IllegalArgumentException("filter weights need shape [N, ...] with N >= 1, got "
                    + java.util.Arrays.toString(weights.shape()));
        }
        if (weights.length() == 0) {
            throw new IllegalArgumentException("filters of shape " + java.util.Arrays.toString(weights.shape())
                    + " have no weights: filters without weights cannot be compared");
        }
        INDArray rows = weights.castTo(DataType.DOUBLE).reshape('c', weights.size(0), weights.length() / weights.size(0));
        if (!Double.isFinite(rows.sumNumber().doubleValue())) { // one pass; NaN or infinity anywhere shows here
            throw new IllegalArgumentException("filter weights contain NaN or infinite values");
        }
        return new FilterBank(rows.dup('c'));
    }

    /**
     * The group rule (ALGORITHM.md, "Coupled channels (residual additions)"): filter i of the result is
     * the concatenation of every member's filter i, in list order.
     *
     * @param memberWeights each member's weights, [N, ...] with the same N (e.g. [N, C_m, kH_m, kW_m])
     * @return an N x (D_1 + ... + D_m) bank
     * @throws IllegalArgumentException when the members have different filter counts, or any member's
     *     weights are refused by {@link #of(INDArray)}
     */
    public static FilterBank concat(java.util.List<INDArray> memberWeights) {
        if (memberWeights.size() == 1) {
            return of(memberWeights.get(0));
        }
        INDArray[] parts = memberWeights.stream().map(w -> of(w).rows).toArray(INDArray[]::new);
        long n = parts[0].rows();
        for (INDArray part : parts) {
            if (part.rows() != n) {
                throw new IllegalArgumentException("coupled layers have different filter counts: " + n + " and " + part.rows());
            }
        }
        return new FilterBank(Nd4j.hstack(parts));
    }

    /**
     * Filters from an N x D array, one filter per row.
     *
     * @throws IllegalArgumentException when the rows are empty, or any value is NaN or infinite
     */
    public static FilterBank of(double[][] filters) {
        return of(Nd4j.create(filters));
    }

    /** N, the number of filters (rows). */
    public int count() {
        return (int) rows.rows();
    }

    /** D, the length of one flattened filter (columns). */
    public long dimension() {
        return rows.columns();
    }

    /** The N x D matrix (shared, not copied). */
    INDArray rows() {
        return rows;
    }

    /** The L2 norm of each filter: N values, in filter order. */
    public double[] l2Norms() {
        return rows.norm2(1).toDoubleVector();
    }

    /** The L1 norm (sum of absolute weights; A in ALGORITHM.md) of each filter: N values, in filter order. */
    public double[] l1Norms() {
        return rows.norm1(1).toDoubleVector();
    }
}
