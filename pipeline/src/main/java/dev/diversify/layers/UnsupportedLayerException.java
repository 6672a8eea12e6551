package dev.diversify.layers;

import java.util.Collection;

/** A vertex whose type (or configuration) has no handler: the product refuses it rather than guess. */
public final class UnsupportedLayerException extends IllegalArgumentException {
    UnsupportedLayerException(String vertex, String what, Collection<String> supported) {
        super("'" + vertex + "': " + what + " is not a supported layer or vertex type (supported: "
                + String.join(", ", supported) + ")");
    }
}
