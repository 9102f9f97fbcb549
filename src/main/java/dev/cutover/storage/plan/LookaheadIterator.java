package dev.cutover.storage.plan;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** An iterator whose {@code hasNext} finds the next element and keeps it in {@link #next}; {@code next} hands it over. */
abstract class LookaheadIterator<T> implements Iterator<T> {

    /** The element {@code hasNext} found, not yet handed over; null when none is held. */
    protected T next;

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T element = next;
        next = null;
        return element;
    }
}
