/**
 * Keeps DL4J on its fast CPU path: switches DL4J's oneDNN layer helpers on, runs convolution, batch norm,
 * ReLU and residual additions on oneDNN's own primitives ({@code OneDnnConvolution}, {@code OneDnnBatchNorm},
 * {@code OneDnnRelu}, {@code OneDnnAdd}) with channels-last activations between them ({@code Layout}) and
 * reports layers that run on neither (see also the compatibility shim {@code org.nd4j.nativeblas.Nd4jCpu}); measures
 * the process's heap, off-heap and resident memory.
 */
package dev.diversify.backend;
