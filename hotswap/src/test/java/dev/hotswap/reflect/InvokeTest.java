package dev.hotswap.reflect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import org.junit.jupiter.api.Test;

/** The checks behind accessors of added members: as the JDK's own accessors make them. */
class InvokeTest {
    static final class Box {
        int value = 3;
        long wide = 1;

        String join(String s, long n) {
            return s + n + value;
        }

        String boom() {
            throw new IllegalStateException("boom");
        }
    }

    private static MethodHandle virtual(String name, MethodType type) throws ReflectiveOperationException {
        return MethodHandles.lookup().findVirtual(Box.class, name, type);
    }

    @Test
    void methodArgumentsAreCheckedUnboxedAndWidened() throws Exception {
        Invoke.OfMethod join = new Invoke.OfMethod(virtual("join", MethodType.methodType(String.class, String.class,
                long.class)), Box.class, false);
        assertThat(join.invoke(new Box(), new Object[] {"a", 7})).isEqualTo("a73"); // int widens to long
        assertThatThrownBy(() -> join.invoke(new Box(), new Object[] {"a"})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wrong number of arguments: 1 expected: 2");
        assertThatThrownBy(() -> join.invoke(new Box(), new Object[] {"a", 1.5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument type mismatch");
        assertThatThrownBy(() -> join.invoke(new Box(), new Object[] {"a", null}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> join.invoke("not a box", new Object[] {"a", 1L})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("object is not an instance of declaring class");
        assertThatThrownBy(() -> join.invoke(null, new Object[] {"a", 1L})).isInstanceOf(NullPointerException.class);
        Invoke.OfMethod boom = new Invoke.OfMethod(virtual("boom", MethodType.methodType(String.class)), Box.class, false);
        assertThatThrownBy(() -> boom.invoke(new Box(), null)).isInstanceOf(InvocationTargetException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    @Test
    void fieldAccessFollowsTheJdksConversionsAndFinalRule() throws Exception {
        MethodHandle get = MethodHandles.lookup().findGetter(Box.class, "value", int.class);
        MethodHandle set = MethodHandles.lookup().findSetter(Box.class, "value", int.class);
        Invoke.OfField field = new Invoke.OfField(get, set, Box.class, int.class, "Box.value", false, true);
        Box box = new Box();
        assertThat(field.getInt(box)).isEqualTo(3);
        assertThat(field.getLong(box)).isEqualTo(3L);
        assertThat(field.getDouble(box)).isEqualTo(3.0);
        assertThatThrownBy(() -> field.getShort(box)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> field.getBoolean(box)).isInstanceOf(IllegalArgumentException.class);
        field.setShort(box, (short) 9);
        assertThat(box.value).isEqualTo(9);
        field.setChar(box, 'A');
        assertThat(box.value).isEqualTo(65);
        assertThatThrownBy(() -> field.setLong(box, 1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> field.set(box, "x")).isInstanceOf(IllegalArgumentException.class);
        Invoke.OfField readOnly = new Invoke.OfField(get, set, Box.class, int.class, "Box.value", false, false);
        assertThatThrownBy(() -> readOnly.setInt(box, 1)).isInstanceOf(IllegalAccessException.class)
                .hasMessageContaining("final int field Box.value");
        assertThat(box.value).isEqualTo(65);
    }

    @Test
    void wideningIsJls512() {
        assertThat(Invoke.widens(byte.class, short.class)).isTrue();
        assertThat(Invoke.widens(byte.class, char.class)).isFalse();
        assertThat(Invoke.widens(char.class, int.class)).isTrue();
        assertThat(Invoke.widens(short.class, char.class)).isFalse();
        assertThat(Invoke.widens(int.class, float.class)).isTrue();
        assertThat(Invoke.widens(long.class, int.class)).isFalse();
        assertThat(Invoke.widens(boolean.class, int.class)).isFalse();
        assertThat(Invoke.widens(double.class, double.class)).isTrue();
    }
}
