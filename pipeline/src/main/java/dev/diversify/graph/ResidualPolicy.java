package dev.diversify.graph;

/** Which channels of residual networks may be pruned (ALGORITHM.md, "Coupled channels"). */
public enum ResidualPolicy {
    /** Channels added together in a residual sum are pruned jointly, as one group. */
    COUPLED,
    /** Only convolutions whose outputs reach no residual sum are pruned (as Li et al. do for ResNets). */
    INTERNAL
}
