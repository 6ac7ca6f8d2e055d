package dev.hotswap.integration.jackson3;

import dev.hotswap.integration.Context;
import dev.hotswap.integration.Integration;
import dev.hotswap.integration.Mappers;
import dev.hotswap.integration.Swap;
import tools.jackson.databind.ObjectMapper;

/**
 * Jackson 3 ({@code tools.jackson}): after a batch that reshaped a class, every
 * {@code ObjectMapper} made so far forgets its serializers, deserializers and types, so that
 * added, removed and renamed properties reach JSON both ways on the next call.
 */
public final class Jackson3Follower implements Integration {
    private final Context context;

    public Jackson3Follower(Context context) {
        this.context = context;
    }

    private volatile boolean unsettled;

    @Override
    public Followed afterSwap(Swap swap) {
        Followed followed = Mappers.clearEach(context, swap, mapper -> ((ObjectMapper) mapper).clearCaches());
        unsettled |= swap.changed().stream().anyMatch(Swap.Changed::reshaped);
        return followed;
    }

    @Override
    public void settle() {
        if (unsettled) {
            unsettled = false;
            Mappers.clearEach(context, mapper -> ((ObjectMapper) mapper).clearCaches());
        }
    }
}
