package dev.hotswap.integration;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * What the Jackson followers share: after a batch that reshaped a class (a body edit changes
 * nothing Jackson reads), each object mapper seen forgets what it cached; one that cannot is a
 * warning.
 */
public final class Mappers {
    /** How one mapper forgets its caches. */
    @FunctionalInterface
    public interface Clear {
        void clear(Object mapper) throws Exception;
    }

    private Mappers() {
    }

    public static Integration.Followed clearEach(Context context, Swap swap, Clear clear) {
        if (swap.changed().stream().noneMatch(Swap.Changed::reshaped)) {
            return Integration.Followed.NOTHING;
        }
        return new Integration.Followed(clearEach(context, clear), List.of());
    }

    /** Every mapper seen forgets what it cached; the warnings of those that could not. */
    public static List<Reason> clearEach(Context context, Clear clear) {
        List<Reason> warnings = new ArrayList<>();
        for (Object mapper : context.seen()) {
            try {
                clear.clear(mapper);
            } catch (Exception | LinkageError e) {
                warnings.add(new Reason(mapper.getClass().getName(), "", "an ObjectMapper could not forget what it cached ("
                        + e + "): it may write and read the changed classes as before; make a new mapper, or restart",
                        Kind.FRAMEWORK_FAILED));
            }
        }
        return warnings;
    }
}
