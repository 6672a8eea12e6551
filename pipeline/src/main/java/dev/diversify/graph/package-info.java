/**
 * The structure of computation graphs: vertex order, and (with pruning) which layers must lose the same
 * channels together.
 */
package dev.diversify.graph;
