/**
 * The structure of computation graphs: vertex order; where every channel comes from, and so which
 * convolutions must lose the same channels together (residual sums) and where a channel sits in
 * every concatenation; and pruning plans, the data that says which channels each group keeps.
 */
package dev.diversify.graph;
