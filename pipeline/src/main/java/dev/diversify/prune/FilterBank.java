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

    /** Filters from weights of shape [N, ...] (a convolution's [N, C, kH, kW], or [N, D]), any float type. */
    public static FilterBank of(INDArray weights) {
        if (weights.rank() < 2 || weights.size(0) < 1) {
            throw new IllegalArgumentException("filter weights need shape [N, ...] with N >= 1, got "
                    + java.util.Arrays.toString(weights.shape()));
        }
        INDArray rows = weights.castTo(DataType.DOUBLE).reshape('c', weights.size(0), weights.length() / weights.size(0));
        if (!Double.isFinite(rows.sumNumber().doubleValue())) { // one pass; NaN or infinity anywhere shows here
            throw new IllegalArgumentException("filter weights contain NaN or infinite values");
        }
        return new FilterBank(rows.dup('c'));
    }

    /** The group rule: filter i of the result is the concatenation of every member's filter i. */
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

    public static FilterBank of(double[][] filters) {
        return of(Nd4j.create(filters));
    }

    public int count() {
        return (int) rows.rows();
    }

    public long dimension() {
        return rows.columns();
    }

    /** The N x D matrix (shared, not copied). */
    INDArray rows() {
        return rows;
    }

    /** L2 norm of each filter. */
    public double[] l2Norms() {
        return rows.norm2(1).toDoubleVector();
    }

    /** L1 norm (sum of absolute weights) of each filter. */
    public double[] l1Norms() {
        return rows.norm1(1).toDoubleVector();
    }
}
