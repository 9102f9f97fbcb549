package dev.cutover.cutover.execution;

import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

/**
 * A failure as a sentence for the event log and the cutover view: what went wrong, in words a
 * tired engineer reads at 3 a.m., never a Java class name. The innermost cause that says
 * something useful wins; the class name is kept for the service's own log only.
 */
final class FailureText {

    private FailureText() {
    }

    static String of(Throwable failure) {
        Throwable cause = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (known(t) != null) {
                return known(t);
            }
            cause = t;
        }
        String message = failure.getMessage() != null ? failure.getMessage() : cause.getMessage();
        return message == null || message.isBlank()
                ? "an unexpected internal error (" + failure.getClass().getSimpleName()
                        + "); the service log has the details" : message;
    }

    private static String known(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        if (t instanceof ConnectException) {
            return "connection refused" + (message.isBlank() ? "" : " (" + message + ")")
                    + ": is the server up and the address and port right?";
        }
        if (t instanceof UnknownHostException) {
            return "unknown host " + message + ": check the host name in the runbook connection and DNS";
        }
        if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
            return "no answer in time" + (message.isBlank() ? "" : " (" + message + ")")
                    + ": check the network path and the server's load";
        }
        if (t instanceof NoSuchFileException || t instanceof FileNotFoundException) {
            return "file not found: " + message;
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied on " + message;
        }
        if (t instanceof SQLException sql) {
            return "the database said: " + message + (sql.getSQLState() == null ? "" : " (SQL state " + sql.getSQLState()
                    + ", error " + sql.getErrorCode() + ")");
        }
        return null;
    }
}
