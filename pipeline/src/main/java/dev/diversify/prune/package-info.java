/**
 * Which filters go: the cosine-similarity matrix of a layer's filters (one float64 matrix product),
 * the diversifying rule of ALGORITHM.md with every tie-break, the L1-norm and random criteria it is
 * compared with at equal per-layer budgets, and plans computed from them for a whole network.
 */
package dev.diversify.prune;
