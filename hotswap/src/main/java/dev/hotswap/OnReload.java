package dev.hotswap;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code static}, no-argument method to call after its class was reloaded, on the
 * reload thread, once the whole batch is in. Use it to refresh what a static initializer
 * computed: a changed static initializer is never re-run by a reload, on any JVM. An exception
 * thrown by the method is reported and does not undo the reload.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnReload {
}
