package io.pulse.stack.upload;

/** An upload that could not be made or followed: the service is not there, refused it, or went away. */
public final class UploadException extends Exception {

    UploadException(String message) {
        super(message);
    }

    UploadException(String message, Throwable cause) {
        super(message, cause);
    }
}
