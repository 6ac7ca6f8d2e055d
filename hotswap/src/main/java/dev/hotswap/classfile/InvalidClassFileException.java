package dev.hotswap.classfile;

/** The bytes are not a complete, well-formed class file (truncated, half-written, garbage). */
public final class InvalidClassFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidClassFileException(String message) {
        super(message);
    }
}
