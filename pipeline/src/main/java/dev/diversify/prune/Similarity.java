package dev.diversify.prune;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cosine similarity matrix of a layer's filters, in 64-bit floats: the row-normalised filter
 * matrix times its transpose (one BLAS product), then made exactly symmetric by copying each entry
 * (i, j), i &lt; j, to (j, i). Rows of dead filters (L2 norm below {@link #DEAD_NORM}) are left zero.
 */
public final class Similarity {
    /** Filters with an L2 norm below this are dead (all, or nearly all, zero). */
    public static final double DEAD_NORM = 1e-12;

    private final int n;
    private final double[] values;
    private final boolean[] dead;

    private Similarity(int n, double[] values, boolean[] dead) {
        this.n = n;
        this.values = values;
        this.dead = dead;
    }

    public static Similarity of(FilterBank filters) {
        int n = filters.count();
        double[] norms = filters.l2Norms();
        boolean[] dead = new boolean[n];
        double[] inverse = new double[n];
        for (int i = 0; i < n; i++) {
            dead[i] = norms[i] < DEAD_NORM;
            inverse[i] = dead[i] ? 0 : 1 / norms[i];
        }
        INDArray normalised = filters.rows().mulColumnVector(Nd4j.createFromArray(inverse).reshape(n, 1));
        double[] s = normalised.mmul(normalised.transpose()).dup('c').data().asDouble();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                s[j * n + i] = s[i * n + j];
            }
        }
        return new Similarity(n, s, dead);
    }

    public int size() {
        return n;
    }

    public double similarity(int i, int j) {
        return values[i * n + j];
    }

    /** Cosine distance 1 - s_ij. */
    public double distance(int i, int j) {
        return 1 - values[i * n + j];
    }

    public boolean isDead(int i) {
        return dead[i];
    }
}
