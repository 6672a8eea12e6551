/**
 * ONNX in and out: networks written as ONNX models (opset 13) that runtimes such as ONNX Runtime run with the same
 * outputs, and ONNX CNNs from other frameworks read as DL4J computation graphs, using the ONNX protobuf classes ND4J
 * ships ({@code onnx.Onnx}). Depends on {@code backend} only (the oneDNN helpers of imported networks).
 */
package dev.diversify.onnx;
