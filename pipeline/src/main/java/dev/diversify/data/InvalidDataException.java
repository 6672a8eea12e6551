package dev.diversify.data;

/** A data file that is missing, truncated or malformed; the message names the file and what is wrong. */
public class InvalidDataException extends IllegalArgumentException {
    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
