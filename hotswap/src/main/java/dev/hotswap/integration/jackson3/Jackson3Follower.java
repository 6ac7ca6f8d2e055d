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
    private final Mappers mappers;

    public Jackson3Follower(Context context) {
        this.mappers = new Mappers(context, mapper -> ((ObjectMapper) mapper).clearCaches());
    }

    @Override
    public Followed afterSwap(Swap swap) {
        return mappers.afterSwap(swap);
    }

    @Override
    public void settle() {
        mappers.settle();
    }
}
