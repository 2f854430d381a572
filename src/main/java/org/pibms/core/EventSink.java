package org.pibms.core;

/**
 * Where events go. The control loop appends on its own thread, so an implementation must never
 * block and never throw: it queues the event and writes it elsewhere.
 */
public interface EventSink {

    EventSink NONE = event -> { };

    void append(Event event);
}
