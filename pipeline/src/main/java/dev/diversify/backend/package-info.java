/**
 * Keeps DL4J on its fast CPU path: switches DL4J's oneDNN layer helpers on and reports layers that
 * run without them. See also the compatibility shim {@code org.nd4j.nativeblas.Nd4jCpu}.
 */
package dev.diversify.backend;
