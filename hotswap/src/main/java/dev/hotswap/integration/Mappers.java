package dev.hotswap.integration;

import dev.hotswap.ReloadOutcome.Kind;
import dev.hotswap.ReloadOutcome.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * What the Jackson followers share: after a batch that reshaped a class (a body edit changes
 * nothing Jackson reads), each object mapper seen forgets what it cached, and once more when the
 * batch settles; one that cannot is a warning. Reload thread only.
 */
public final class Mappers {
    /** How one mapper forgets its caches. */
    @FunctionalInterface
    public interface Clear {
        void clear(Object mapper) throws Exception;
    }

    private final Context context;
    private final Clear clear;
    private boolean unsettled;

    public Mappers(Context context, Clear clear) {
        this.context = context;
        this.clear = clear;
    }

    public Integration.Followed afterSwap(Swap swap) {
        if (swap.changed().stream().noneMatch(Swap.Changed::reshaped)) {
            return Integration.Followed.NOTHING;
        }
        unsettled = true;
        return new Integration.Followed(clearEach(), List.of());
    }

    /** A call that straddled the batch may have cached what it built from the classes as they were: forgotten again. */
    public void settle() {
        if (unsettled) {
            unsettled = false;
            clearEach();
        }
    }

    private List<Reason> clearEach() {
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
