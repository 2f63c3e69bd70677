package io.qmp4j.core;

/**
 * The call is not allowed in the client's current state, e.g. a command before the session is
 * running or after it was closed. Raised at once; nothing is sent.
 *
 * @since 0.1
 */
public final class QmpStateException extends QmpException {

    private final QmpState actual;
    private final QmpState required;

    /**
     * @param operation what was attempted
     * @param actual the state the client was in
     * @param required the state the call needs
     */
    public QmpStateException(String operation, QmpState actual, QmpState required) {
        super(operation + " needs the client to be " + required + " but it is " + actual, null);
        this.actual = actual;
        this.required = required;
    }

    /** @return the state the client was in */
    public QmpState actual() {
        return actual;
    }

    /** @return the state the call needs */
    public QmpState required() {
        return required;
    }
}
