package dev.diversify.prune;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cosine similarity matrix of a layer's filters, in 64-bit floats: the row-normalised filter
 * matrix times its transpose (one BLAS product), then made exactly symmetric by copying each entry
 * (i, j), i &lt; j, to (j, i). Rows of dead filters (L2 norm below {@link #DEAD_NORM}) are left zero.
 */
public final class Similarity {
    /**
     * Filters with an L2 norm below this are dead (all, or nearly all, zero): ALGORITHM.md, "Per layer:
     * which filters go", step 2.
     */
    public static final double DEAD_NORM = 1e-12;

    private final int n;
    private final double[] values;
    private final boolean[] dead;

    private Similarity(int n, double[] values, boolean[] dead) {
        this.n = n;
        this.values = values;
        this.dead = dead;
    }

    /**
     * The N x N cosine similarities {@code s_ij = w_i . w_j / (|w_i| |w_j|)} of the filters, in 64-bit floats
     * (ALGORITHM.md, "Per layer: which filters go", step 2, and its notes: one product of the row-normalised
     * N x D matrix with its transpose). Entry (i, j), i &lt; j, is copied to (j, i); a dead filter's row and
     * column are 0.
     *
     * @param filters the layer's N filters, an N x D matrix
     */
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

    /** N, the number of filters (dead ones included). */
    public int size() {
        return n;
    }

    /** The cosine similarity s_ij, in [-1, 1] (up to rounding); 0 where filter i or j is dead. */
    public double similarity(int i, int j) {
        return values[i * n + j];
    }

    /** The cosine distance d_ij = 1 - s_ij, in [0, 2] (up to rounding); 1 where filter i or j is dead. */
    public double distance(int i, int j) {
        return 1 - values[i * n + j];
    }

    /** Whether filter i is dead: its L2 norm is below {@link #DEAD_NORM}. */
    public boolean isDead(int i) {
        return dead[i];
    }
}
