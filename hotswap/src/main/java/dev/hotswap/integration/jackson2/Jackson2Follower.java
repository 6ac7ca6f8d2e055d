package dev.hotswap.integration.jackson2;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ser.DefaultSerializerProvider;
import dev.hotswap.integration.Context;
import dev.hotswap.integration.Integration;
import dev.hotswap.integration.Mappers;
import dev.hotswap.integration.Swap;
import java.lang.reflect.Field;
import java.util.Map;

/**
 * Jackson 2 ({@code com.fasterxml.jackson}): after a batch that reshaped a class, every
 * {@code ObjectMapper} made so far forgets the serializers, deserializers and types it found,
 * so that added, removed and renamed properties reach JSON both ways on the next call.
 * A body-only batch leaves the caches alone (nothing Jackson reads changed).
 */
public final class Jackson2Follower implements Integration {
    private final Context context;
    private final Mappers mappers;

    public Jackson2Follower(Context context) {
        this.context = context;
        this.mappers = new Mappers(context, mapper -> clear((ObjectMapper) mapper));
    }

    @Override
    public Followed afterSwap(Swap swap) {
        return mappers.afterSwap(swap);
    }

    @Override
    public void settle() {
        mappers.settle();
    }

    private void clear(ObjectMapper mapper) throws ReflectiveOperationException {
        try {
            mapper.clearCaches(); // 2.19 and later
            return;
        } catch (NoSuchMethodError older) {
            // below: what clearCaches() does, by hand
        }
        mapper.getTypeFactory().clearCache();
        if (mapper.getSerializerProvider() instanceof DefaultSerializerProvider provider) {
            provider.flushCachedSerializers();
        }
        DeserializationContext deserialization = mapper.getDeserializationContext();
        Field cache = DeserializationContext.class.getDeclaredField("_cache");
        context.open(DeserializationContext.class);
        cache.setAccessible(true);
        Object deserializers = cache.get(deserialization);
        deserializers.getClass().getMethod("flushCachedDeserializers").invoke(deserializers);
        Field roots = ObjectMapper.class.getDeclaredField("_rootDeserializers");
        roots.setAccessible(true);
        ((Map<?, ?>) roots.get(mapper)).clear();
    }
}
