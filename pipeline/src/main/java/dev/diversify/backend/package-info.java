/**
 * Keeps DL4J on its fast CPU path: switches DL4J's oneDNN layer helpers on, runs batch norm on
 * oneDNN's own primitives ({@code OneDnnBatchNorm}) and reports layers that run without either (see
 * also the compatibility shim {@code org.nd4j.nativeblas.Nd4jCpu}); measures the process's heap,
 * off-heap and resident memory.
 */
package dev.diversify.backend;
