package dev.diversify.jobs;

import dev.diversify.data.ImageShape;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts an option written as {@code CxHxW} (e.g. {@code 3x32x32}) into an {@link ImageShape}. */
final class InputShape implements ITypeConverter<ImageShape> {

    @Override
    public ImageShape convert(String text) {
        String[] parts = text.trim().toLowerCase().split("x");
        if (parts.length == 3) {
            try {
                int[] shape = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
                if (shape[0] > 0 && shape[1] > 0 && shape[2] > 0) {
                    return new ImageShape(shape[0], shape[1], shape[2]);
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new TypeConversionException("invalid input shape '" + text + "': expected CxHxW with positive "
                + "integers, e.g. 3x32x32");
    }
}
