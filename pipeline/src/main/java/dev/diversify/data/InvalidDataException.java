package dev.diversify.data;

/** A data file that is missing, truncated or malformed; the message names the file and what is wrong. */
public class InvalidDataException extends IllegalArgumentException {
    /** @param message names the file and what is wrong with it */
    public InvalidDataException(String message) {
        super(message);
    }

    /**
     * @param message names the file and what is wrong with it
     * @param cause   the underlying error, e.g. an {@code EOFException} or {@code ZipException}
     */
    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
