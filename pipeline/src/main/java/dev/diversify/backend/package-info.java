/**
 * Keeps DL4J on its fast CPU path: switches DL4J's oneDNN layer helpers on, runs convolution, batch norm,
 * ReLU, residual additions and concatenations on oneDNN's own primitives ({@code OneDnnConvolution},
 * {@code OneDnnBatchNorm}, {@code OneDnnRelu}, {@code OneDnnAdd}, {@code OneDnnConcat}) with channels-last
 * activations between them where batch norm has kernels for them ({@code Layout}), gradients that DL4J sums
 * fast in that layout ({@code ChannelsLastGradient}), and
 * reports layers that run on neither (see also the compatibility shim {@code org.nd4j.nativeblas.Nd4jCpu}); measures
 * the process's heap, off-heap and resident memory.
 */
package dev.diversify.backend;
