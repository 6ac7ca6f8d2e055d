package dev.hotswap.structural;

import dev.hotswap.ReloadOutcome;
import dev.hotswap.ReloadOutcome.Kind;

/** Why the engine cannot take a change, or what did not follow after it went in: the class, the member, what. */
public record Problem(String className, String member, String message, String hint, Kind kind, String oldDescriptor,
                      String newDescriptor) {
    public Problem(String className, String member, String message, Kind kind) {
        this(className, member, message, "", kind, "", "");
    }

    /** As a batch's outcome says it. */
    public ReloadOutcome.Reason reason() {
        return new ReloadOutcome.Reason(className, member, message, kind, oldDescriptor, newDescriptor);
    }
}
