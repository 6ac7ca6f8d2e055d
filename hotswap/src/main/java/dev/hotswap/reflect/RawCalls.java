package dev.hotswap.reflect;

import dev.hotswap.classfile.ConstantPool;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The start-up half of {@link JdkHooks}, written by hand instead of with ASM (which is not loaded
 * before the first swap; at start-up it would run interpreted): in a class file, each call to
 * one method becomes a static call to a hook with the same stack effect, one 3-byte instruction
 * for another; the constants the hooks need are appended to the pool. No offset moves, so code,
 * frames, exception tables and line numbers stay as they are. Also renames a class.
 */
final class RawCalls {
    /** {@code owner.name descriptor}, called by {@code invokevirtual/special/static}, becomes {@code hooks.hook hookDescriptor}. */
    record Swap(String owner, String name, String descriptor, String hook, String hookDescriptor) {
    }

    private RawCalls() {
    }

    /** The class with its calls swapped; throws when a call is not found. */
    static byte[] swap(byte[] b, String hooks, List<Swap> swaps) throws IOException {
        int[] offsets = ConstantPool.tagOffsets(b);
        int count = offsets.length - 1;
        int poolEnd = offsets[count];
        int[] targets = new int[swaps.size()];
        for (int i = 1; i < count; i++) {
            int at = offsets[i];
            if (at == 0 || (b[at] != 10 && b[at] != 11)) {
                continue;
            }
            String owner = utf8(b, offsets, u2(b, offsets[u2(b, at + 1)] + 1));
            int nat = offsets[u2(b, at + 3)];
            String name = utf8(b, offsets, u2(b, nat + 1));
            String descriptor = utf8(b, offsets, u2(b, nat + 3));
            for (int s = 0; s < swaps.size(); s++) {
                Swap swap = swaps.get(s);
                if (swap.owner.equals(owner) && swap.name.equals(name) && swap.descriptor.equals(descriptor)) {
                    targets[s] = i;
                }
            }
        }
        // Appended: the hooks' class, then per swap its name, descriptor, name-and-type and method reference.
        ByteArrayOutputStream added = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(added);
        int next = count;
        out.writeByte(1);
        out.writeUTF(hooks);
        int hooksName = next++;
        out.writeByte(7);
        out.writeShort(hooksName);
        int hooksClass = next++;
        int[] refs = new int[swaps.size()];
        for (int s = 0; s < swaps.size(); s++) {
            out.writeByte(1);
            out.writeUTF(swaps.get(s).hook);
            out.writeByte(1);
            out.writeUTF(swaps.get(s).hookDescriptor);
            out.writeByte(12);
            out.writeShort(next);
            out.writeShort(next + 1);
            out.writeByte(10);
            out.writeShort(hooksClass);
            out.writeShort(next + 2);
            refs[s] = next + 3;
            next += 4;
        }
        out.flush();
        byte[] code = b.clone();
        int[] found = new int[swaps.size()];
        int at = poolEnd + 6;
        at += 2 + 2 * u2(b, at);
        at = skipMembers(b, at);
        int methods = u2(b, at);
        at += 2;
        for (int m = 0; m < methods; m++) {
            int attributes = u2(b, at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                int length = u4(b, at + 2);
                if (utf8(b, offsets, u2(b, at)).equals("Code")) {
                    int start = at + 6 + 8;
                    swapIn(code, start, start + u4(b, at + 6 + 4), targets, refs, found);
                }
                at += 6 + length;
            }
        }
        for (int s = 0; s < swaps.size(); s++) {
            if (found[s] == 0) {
                throw new IOException("this JDK's class does not call " + swaps.get(s).owner.replace('/', '.') + "."
                        + swaps.get(s).name + swaps.get(s).descriptor + " where hotswap expects it");
            }
        }
        ByteArrayOutputStream result = new ByteArrayOutputStream(b.length + added.size());
        result.write(code, 0, 8);
        result.write(next >> 8);
        result.write(next);
        result.write(code, 10, poolEnd - 10);
        added.writeTo(result);
        result.write(code, poolEnd, code.length - poolEnd);
        return result.toByteArray();
    }

    /** Walks one method's bytecode: a call to a swapped method becomes {@code invokestatic} of its hook. */
    private static void swapIn(byte[] code, int start, int end, int[] targets, int[] refs, int[] found) throws IOException {
        int pc = start;
        while (pc < end) {
            int op = code[pc] & 0xFF;
            if (op == 0xB6 || op == 0xB7 || op == 0xB8) {
                int index = u2(code, pc + 1);
                for (int s = 0; s < targets.length; s++) {
                    if (targets[s] != 0 && index == targets[s]) {
                        code[pc] = (byte) 0xB8;
                        code[pc + 1] = (byte) (refs[s] >> 8);
                        code[pc + 2] = (byte) refs[s];
                        found[s]++;
                    }
                }
            }
            pc += length(code, pc, start);
        }
    }

    /** The length of the instruction at {@code pc} (JVMS 6.5). */
    private static int length(byte[] code, int pc, int start) throws IOException {
        int op = code[pc] & 0xFF;
        if (op == 0xAA) { // tableswitch
            int at = pc + 1 + ((4 - (pc + 1 - start) % 4) % 4);
            int low = u4(code, at + 4);
            int high = u4(code, at + 8);
            return at - pc + 12 + 4 * (high - low + 1);
        }
        if (op == 0xAB) { // lookupswitch
            int at = pc + 1 + ((4 - (pc + 1 - start) % 4) % 4);
            return at - pc + 8 + 8 * u4(code, at + 4);
        }
        if (op == 0xC4) { // wide
            return (code[pc + 1] & 0xFF) == 0x84 ? 6 : 4;
        }
        int length = op < LENGTHS.length ? LENGTHS[op] : 0;
        if (length == 0) {
            throw new IOException("opcode " + op + " at " + (pc - start));
        }
        return length;
    }

    /** Instruction lengths by opcode (JVMS 6.5); 0 for the variable-length and unused ones. */
    private static final int[] LENGTHS = new int[0xCA];

    static {
        java.util.Arrays.fill(LENGTHS, 1);
        fill(0x10, 0x10, 2);
        fill(0x11, 0x11, 3);
        fill(0x12, 0x12, 2);
        fill(0x13, 0x14, 3);
        fill(0x15, 0x19, 2);
        fill(0x36, 0x3A, 2);
        fill(0x84, 0x84, 3);
        fill(0x99, 0xA8, 3);
        fill(0xA9, 0xA9, 2);
        fill(0xAA, 0xAB, 0);
        fill(0xB2, 0xB8, 3);
        fill(0xB9, 0xBA, 5);
        fill(0xBB, 0xBB, 3);
        fill(0xBC, 0xBC, 2);
        fill(0xBD, 0xBD, 3);
        fill(0xC0, 0xC1, 3);
        fill(0xC4, 0xC4, 0);
        fill(0xC5, 0xC5, 4);
        fill(0xC6, 0xC7, 3);
        fill(0xC8, 0xC9, 5);
    }

    private static void fill(int from, int to, int length) {
        java.util.Arrays.fill(LENGTHS, from, to + 1, length);
    }

    private static int skipMembers(byte[] b, int at) {
        int count = u2(b, at);
        at += 2;
        for (int i = 0; i < count; i++) {
            int attributes = u2(b, at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                at += 6 + u4(b, at + 2);
            }
        }
        return at;
    }

    /** The class file with its own name changed and made public (every use of the name goes through its class constant). */
    static byte[] renamed(byte[] b, String to) throws IOException {
        int[] offsets = ConstantPool.tagOffsets(b);
        int count = offsets.length - 1;
        int poolEnd = offsets[count];
        int nameIndex = u2(b, offsets[u2(b, poolEnd + 2)] + 1);
        ByteArrayOutputStream result = new ByteArrayOutputStream(b.length + 32);
        DataOutputStream out = new DataOutputStream(result);
        int nameAt = offsets[nameIndex];
        int nameEnd = nameAt + 3 + u2(b, nameAt + 1);
        out.write(b, 0, nameAt);
        out.writeByte(1);
        out.writeUTF(to);
        out.write(b, nameEnd, poolEnd - nameEnd);
        out.writeShort(u2(b, poolEnd) | 0x0001); // public
        out.write(b, poolEnd + 2, b.length - poolEnd - 2);
        out.flush();
        return result.toByteArray();
    }

    private static String utf8(byte[] b, int[] offsets, int index) {
        int at = offsets[index];
        return new String(b, at + 3, u2(b, at + 1), StandardCharsets.UTF_8);
    }

    private static int u2(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int u4(byte[] b, int at) {
        return (u2(b, at) << 16) | u2(b, at + 2);
    }
}
