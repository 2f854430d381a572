package org.pibms.core;

/** The control loop's answer to a {@link Command}: accepted or not, and a sentence saying what happened. */
public record CommandResult(boolean accepted, String message) {

    public static CommandResult accepted(String message) {
        return new CommandResult(true, message);
    }

    public static CommandResult rejected(String message) {
        return new CommandResult(false, message);
    }
}
