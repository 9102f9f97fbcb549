package dev.cutover.notify;

/**
 * How one attempt to deliver ended.
 *
 * @param status the HTTP status the receiver answered, or null (no answer, or e-mail)
 * @param reason why it failed, masked; null when delivered
 */
record AttemptResult(boolean delivered, boolean retryable, Integer status, String reason) {

    static AttemptResult delivered(Integer status) {
        return new AttemptResult(true, false, status, null);
    }

    static AttemptResult retry(Integer status, String reason) {
        return new AttemptResult(false, true, status, reason);
    }

    static AttemptResult finalFailure(Integer status, String reason) {
        return new AttemptResult(false, false, status, reason);
    }
}
