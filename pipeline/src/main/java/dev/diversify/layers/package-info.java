/**
 * The DL4J layer and vertex types this product supports, one {@link dev.diversify.layers.LayerHandler}
 * per type in {@link dev.diversify.layers.LayerHandlers}: how channels flow through it, how it is
 * resized when channels go, which slices of its parameters are kept, and what it costs. The channel
 * graph, surgery and cost counter all ask this registry, so adding a layer type is one handler.
 */
package dev.diversify.layers;
