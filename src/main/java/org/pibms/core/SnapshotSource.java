package org.pibms.core;

/** Read side of the control loop: the latest published {@link PackSnapshot}. Safe from any thread. */
public interface SnapshotSource {

    PackSnapshot latest();
}
