package dev.diversify.jobs;

/** Parses an input shape written as {@code CxHxW}, e.g. {@code 3x32x32}. */
final class InputShape {
    private InputShape() {
    }

    static int[] parse(String text) {
        String[] parts = text.trim().toLowerCase().split("x");
        if (parts.length == 3) {
            try {
                int[] shape = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
                if (shape[0] > 0 && shape[1] > 0 && shape[2] > 0) {
                    return shape;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new IllegalArgumentException("invalid input shape '" + text + "': expected CxHxW with positive "
                + "integers, e.g. 3x32x32");
    }
}
