/**
 * Keeps DL4J on its fast CPU path: switches DL4J's oneDNN layer helpers on, runs convolution and batch
 * norm on oneDNN's own primitives ({@code OneDnnConvolution}, {@code OneDnnBatchNorm}) and reports layers
 * that run on neither (see also the compatibility shim {@code org.nd4j.nativeblas.Nd4jCpu}); measures
 * the process's heap, off-heap and resident memory.
 */
package dev.diversify.backend;
