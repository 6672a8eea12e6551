package dev.diversify.prune;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads NumPy {@code .npy} files (format versions 1-3) of 32- or 64-bit floats, either byte order,
 * C or Fortran order: how weights exported from any framework reach {@code diversify select}.
 * ND4J 1.0.0-M2's reader ({@code Nd4j.createNpyFromByteArray}) is not used: it lays Fortran-order data
 * out as C order (silently transposed values), aborts the JVM on big-endian files (a native assertion),
 * and reads the trailing comma numpy's format allows in a shape ({@code (4, 2, )}) as a dimension of 0.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])(f[48])'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFile() {
    }

    /**
     * The array in {@code file}, as doubles, in its own shape (a 0-d array as shape [1]); values keep
     * their logical positions whatever the file's byte order and C/Fortran order. For {@code diversify
     * select}, a layer's weights: [N, C, kH, kW] or [N, D].
     *
     * @throws IllegalArgumentException naming the file when it is missing, not a .npy file, of an
     *     unsupported version (not 1-3), not of float32 or float64, has a malformed header, or its data
     *     does not match its shape (truncated)
     * @throws UncheckedIOException when it cannot be read
     */
    public static INDArray read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("weights file not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IllegalArgumentException(file + ": not a .npy file (no \\x93NUMPY magic)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerStart = major == 1 ? 10 : 12;
        long headerLength = bytes.length < headerStart ? -1
                : major == 1 ? Short.toUnsignedInt(buffer.getShort(8)) : Integer.toUnsignedLong(buffer.getInt(8));
        long dataStart = headerStart + headerLength;
        if (major < 1 || major > 3 || headerLength < 0 || dataStart > bytes.length) {
            throw new IllegalArgumentException(file + ": unsupported or truncated .npy header (version " + major + ")");
        }
        String header = new String(bytes, headerStart, (int) headerLength, java.nio.charset.StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find()) {
            throw new IllegalArgumentException(file + ": only float32 and float64 arrays are supported, header is " + header.trim());
        }
        if (!fortran.find() || !shape.find()) {
            throw new IllegalArgumentException(file + ": malformed .npy header " + header.trim());
        }
        long[] dims = Arrays.stream(shape.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        long count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        int itemSize = descr.group(2).equals("f4") ? 4 : 8;
        if (bytes.length - dataStart != count * itemSize) {
            throw new IllegalArgumentException(file + ": shape " + Arrays.toString(dims) + " needs " + count * itemSize
                    + " bytes of data, the file has " + (bytes.length - dataStart) + " (truncated?)");
        }
        buffer.position((int) dataStart);
        buffer.order(descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = itemSize == 4 ? buffer.getFloat() : buffer.getDouble();
        }
        char order = fortran.group(1).equals("True") ? 'f' : 'c';
        return Nd4j.create(values, dims.length == 0 ? new long[] {1} : dims, order);
    }
}
