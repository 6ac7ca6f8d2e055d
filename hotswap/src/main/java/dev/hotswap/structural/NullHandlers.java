package dev.hotswap.structural;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import dev.hotswap.structural.NullMessages.Range;

/**
 * Downstream of the code rewriting of a class the JVM runs as it is (a loaded class from a
 * watched folder, rewritten at load and at each redefinition): where the rewriting made a
 * value come from the engine ({@code invokedynamic} to a field or method a swap added), the
 * JVM's own message cannot say what was null (it stops at {@code because "}). In such a
 * method, each instruction that {@link NullMessages.Marking} bracketed gets a handler, after the method's
 * own, that hands {@link Linker#helpful} the message a fresh start gives, computed from the
 * class file as compiled ({@code messages}, asked only then), and throws the exception on.
 */
final class NullHandlers extends MethodVisitor {
    private static final int MAX_CODE = 65_535;

    private final List<Range> ranges;
    private final java.util.function.Supplier<Map<String, String[]>> messages;
    private boolean engineValues;

    NullHandlers(MethodVisitor next, List<Range> ranges, java.util.function.Supplier<Map<String, String[]>> messages) {
        super(Opcodes.ASM9, next);
        this.ranges = ranges;
        this.messages = messages;
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        // A value the engine hands over: a field's, or a call's result (not a class's entry, a trampoline's body).
        engineValues |= bootstrap.equals(CodeRewriter.CALL) || bootstrap.equals(CodeRewriter.FIELD);
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (!engineValues || ranges.isEmpty()) {
            super.visitMaxs(maxStack, maxLocals);
            return;
        }
        List<Range> explained = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Range r : ranges) {
            String text = NullMessages.message(messages.get(), r.key());
            if (text != null) {
                explained.add(r);
                texts.add(text);
            }
        }
        Label end = new Label();
        super.visitLabel(end);
        try {
            if (explained.isEmpty() || end.getOffset() + 7L * explained.size() > MAX_CODE) {
                super.visitMaxs(maxStack, maxLocals); // nothing to say, or no room to say it
                return;
            }
        } catch (IllegalStateException e) {
            super.visitMaxs(maxStack, maxLocals); // not written by a ClassWriter: leave the method as it is
            return;
        }
        List<Label> handlers = new ArrayList<>();
        for (Range r : explained) {
            Label handler = new Label();
            handlers.add(handler);
            super.visitTryCatchBlock(r.start(), r.end(), handler, "java/lang/NullPointerException");
        }
        for (int i = 0; i < handlers.size(); i++) {
            super.visitLabel(handlers.get(i));
            super.visitFrame(Opcodes.F_FULL, 0, new Object[0], 1, new Object[] {"java/lang/NullPointerException"});
            super.visitLdcInsn(NullMessages.literal(texts.get(i)));
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/hotswap/boot/Link", "helpful",
                    "(Ljava/lang/Throwable;Ljava/lang/String;)Ljava/lang/Throwable;", false);
            super.visitInsn(Opcodes.ATHROW);
        }
        super.visitMaxs(Math.max(maxStack, 2), maxLocals);
    }
}
