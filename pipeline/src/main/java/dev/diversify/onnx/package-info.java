/**
 * ONNX: networks written as ONNX models (opset 13) that runtimes such as ONNX Runtime run with the same
 * outputs, using the ONNX protobuf classes ND4J ships ({@code onnx.Onnx}). Depends on no other package.
 */
package dev.diversify.onnx;
